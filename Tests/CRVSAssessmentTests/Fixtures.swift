import CRVSAssessment
import Foundation
import Testing
import WorkflowEngine

/// People and values shared by the CRVS assessment specs.
enum Fixture {
    static let decider = Decider(CRVS.workflow)
    /// When every journey starts: each step then happens a day later.
    static let start = Date(iso8601: "2026-02-02T09:00:00Z")!
    static let day: TimeInterval = 86_400

    static let coordinator = user("cora", .coordinator)
    static let manager = user("mona", .manager)
    static let caseworker = user("cwen", .caseworker)
    static let approver = user("amira", .approver)
    static let admin = user("root", .admin)
    static let system = User(name: User.systemName, roles: [.system], createdAt: start, createdBy: nil)

    static func user(_ name: String, _ roles: Role...) -> User {
        User(name: name, roles: roles, createdAt: start, createdBy: "root")
    }

    /// An access matrix from nested dictionaries: group → event → level.
    static func access(_ cells: [String: [String: String]]) -> JSONValue {
        .object(cells.mapValues { row in .object(row.mapValues { level in .string(level) }) })
    }

    /// Every cell of the refugees and stateless persons × birth and death scope.
    static let fullAccess = access([
        "refugees": ["birth": "partial", "death": "full"],
        "stateless_persons": ["birth": "none", "death": "unknown"],
    ])

    /// An assessment with everything every guard up to `completed` asks for.
    static let readyFields: FieldValues = [
        "country": .string("THA"),
        "lead_agency": .string("Ministry of Interior, Bureau of Registration Administration"),
        "government_focal_point": .string("Somchai Vorapatharakul"),
        "partners": .string("UNHCR, UNICEF"),
        "population_groups": .string("refugees,stateless_persons"),
        "vital_events": .string("birth,death"),
        "toolkit_version": .string("3.0"),
        "access": fullAccess,
        "key_findings": .string("Late birth registration is costly for stateless persons"),
        "recommendations": .string("Waive late registration fees"),
        "endorsed_on": .string("2026-09-15"),
        "endorsed_by": .string("National CRVS committee"),
        "report_reference": .string("RSO/CRVS/2026/03"),
        "action_plan": .string("Fee waiver decree by Q2"),
    ]
}

extension FieldValues {
    /// These fields, with `changes` set on top.
    func with(_ changes: FieldValues) -> FieldValues { merging(changes) { _, new in new } }

    /// These fields without `names`.
    func without(_ names: String...) -> FieldValues { filter { !names.contains($0.key) } }
}

/// One assessment driven through the pure `Decider`, remembering the record, the time and the history.
struct Journey {
    private(set) var record: CaseRecord
    private(set) var now: Date
    private(set) var events: [EventRecord]

    /// The main road through the workflow, and the way to each state from `requested`.
    static let road: [String: [String]] = {
        let main = ["start_inception", "start_data_collection", "start_analysis", "submit_findings", "endorse",
                    "publish", "start_follow_up", "complete"]
        let states = ["inception", "data_collection", "analysis", "validation", "endorsed", "published", "follow_up", "completed"]
        var road: [String: [String]] = ["requested": [], "suspended": ["start_inception", "suspend"]]
        for (index, state) in states.enumerated() { road[state] = Array(main[...index]) }
        return road
    }()

    /// A new assessment opened by a coordinator at `Fixture.start`.
    init(fields: FieldValues = Fixture.readyFields, by actor: User = Fixture.coordinator) throws(WorkflowError) {
        let new = try Fixture.decider.open(id: UUID(), fields: fields, actor: actor, at: Fixture.start)
        record = new.record
        now = Fixture.start
        events = [new.event]
    }

    /// An assessment with `fields` taken along the main road to `state`.
    static func at(_ state: String, fields: FieldValues = Fixture.readyFields) throws(WorkflowError) -> Journey {
        var journey = try Journey(fields: fields)
        for transition in road[state] ?? [] {
            try journey.advance(transition, reason: "on the way to \(state)")
        }
        #expect(journey.record.state == state)
        return journey
    }

    /// Takes `transition` a day after the previous step (or `at`), by a user holding its role.
    @discardableResult
    mutating func advance(
        _ transition: String, by actor: User? = nil, fields: FieldValues = [:], reason: String? = nil, at: Date? = nil
    ) throws(WorkflowError) -> CaseChange {
        let when = at ?? now.addingTimeInterval(Fixture.day)
        let who = actor ?? (transition == "withdraw" ? Fixture.manager : Fixture.coordinator)
        let change = try Fixture.decider.advance(record, transition: transition, fields: fields, reason: reason, actor: who, at: when)
        record = change.record
        now = when
        events.append(change.event)
        return change
    }

    /// Sets fields without moving the case, a day after the previous step.
    @discardableResult
    mutating func update(_ fields: FieldValues) throws(WorkflowError) -> CaseChange {
        let when = now.addingTimeInterval(Fixture.day)
        let change = try Fixture.decider.update(record, fields: fields, reason: nil, actor: Fixture.coordinator, at: when)
        record = change.record
        now = when
        events.append(change.event)
        return change
    }
}
