import Foundation
import Secondments
import Testing
import WorkflowEngine
import WorkflowTestSupport

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

extension Journey {
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
        try self.init(Fixture.decider, fields: fields, by: actor, at: Fixture.start, actor: Journey.actor(for:), editor: Fixture.coordinator)
    }

    /// A secondment with `fields` taken along the main road to `state`.
    static func at(_ state: String, fields: FieldValues = Fixture.readyFields) throws(WorkflowError) -> Journey {
        var journey = try Journey(fields: fields)
        try journey.follow(road[state] ?? [], to: state)
        #expect(journey.record.state == state)
        return journey
    }

    /// Managers decide (approve, decline, extend, cancel); coordinators run the placement.
    static func actor(for transition: String) -> User {
        ["approve", "decline", "extend", "cancel"].contains(transition) ? Fixture.manager : Fixture.coordinator
    }
}
