import CRVSAssessment
import Foundation
import Testing
import WorkflowEngine
import WorkflowTestSupport

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

extension Journey {
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
        try self.init(Fixture.decider, fields: fields, by: actor, at: Fixture.start, actor: Journey.actor(for:), editor: Fixture.coordinator)
    }

    /// An assessment with `fields` taken along the main road to `state`.
    static func at(_ state: String, fields: FieldValues = Fixture.readyFields) throws(WorkflowError) -> Journey {
        var journey = try Journey(fields: fields)
        try journey.follow(road[state] ?? [], to: state)
        #expect(journey.record.state == state)
        return journey
    }

    /// Managers withdraw; coordinators run the assessment.
    static func actor(for transition: String) -> User {
        transition == "withdraw" ? Fixture.manager : Fixture.coordinator
    }
}
