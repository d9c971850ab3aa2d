import Foundation
import Secondments
import Testing
import WorkflowEngine

/// People and values shared by the Secondments specs.
enum Fixture {
    static let decider = Decider(Secondments.workflow)
    /// When every journey starts: each step then happens a day later.
    static let start = Date(iso8601: "2026-01-12T09:00:00Z")!
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

    /// Distinctive personal data, so a leak into any message is easy to spot.
    static let officerName = "Wirawan Oksendahl"

    /// What must be given to open a secondment.
    static let openingFields: FieldValues = ["seconding_party": .string("AUS")]

    /// A secondment with everything every guard up to `reported` asks for.
    static let readyFields: FieldValues = openingFields.with([
        "officer_name": .string(officerName),
        "officer_position": .string("Document examination expert"),
        "funded_by": .string("DFAT"),
        "project": .string("Checklist for border officials on fraudulent travel documents"),
        "planned_start": .string("2026-03-02"),
        "planned_end": .string("2026-08-28"),
        "actual_start": .string("2026-03-09"),
        "actual_end": .string("2026-08-28"),
        "deliverables": .string("Checklist in five languages; two regional trainings"),
    ])
}

extension FieldValues {
    /// These fields, with `changes` set on top.
    func with(_ changes: FieldValues) -> FieldValues { merging(changes) { _, new in new } }

    /// These fields without `names`.
    func without(_ names: String...) -> FieldValues { filter { !names.contains($0.key) } }
}

/// One secondment driven through the pure `Decider`, remembering the record, the time and the history.
struct Journey {
    private(set) var record: CaseRecord
    private(set) var now: Date
    private(set) var events: [EventRecord]

    /// The main road through the workflow, and the way to each state from `proposed`.
    static let road: [String: [String]] = [
        "proposed": [],
        "nominated": ["nominate"],
        "approved": ["nominate", "approve"],
        "active": ["nominate", "approve", "start"],
        "concluded": ["nominate", "approve", "start", "conclude"],
        "reported": ["nominate", "approve", "start", "conclude", "report"],
    ]

    /// A new secondment opened by a coordinator at `Fixture.start`.
    init(fields: FieldValues = Fixture.readyFields, by actor: User = Fixture.coordinator) throws(WorkflowError) {
        let new = try Fixture.decider.open(id: UUID(), fields: fields, actor: actor, at: Fixture.start)
        record = new.record
        now = Fixture.start
        events = [new.event]
    }

    /// A secondment with `fields` taken along the main road to `state`.
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
        let change = try Fixture.decider.advance(
            record, transition: transition, fields: fields, reason: reason,
            actor: actor ?? Journey.actor(for: transition), at: when)
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

    /// Managers decide (approve, decline, extend, cancel); coordinators run the placement.
    static func actor(for transition: String) -> User {
        ["approve", "decline", "extend", "cancel"].contains(transition) ? Fixture.manager : Fixture.coordinator
    }
}
