import Foundation
import JointPeriodOfAction
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// People and values shared by the Joint Period of Action specs.
enum Fixture {
    static let periods = Decider(JPA.period)
    static let operations = Decider(JPA.operation)
    /// When every journey starts: each step then happens a day later.
    static let start = Date(iso8601: "2026-03-02T09:00:00Z")!
    static let day: TimeInterval = 86_400

    static let coordinator = user("cora", .coordinator)
    static let otherCoordinator = user("dina", .coordinator)
    static let caseworker = user("cwen", .caseworker)
    static let manager = user("mona", .manager)
    static let admin = user("root", .admin)
    static let system = User(name: User.systemName, roles: [.system], createdAt: start, createdBy: nil)

    static func user(_ name: String, _ roles: Role...) -> User {
        User(name: name, roles: roles, createdAt: start, createdBy: "root")
    }

    /// A period with everything its guards ask for.
    static let periodFields: FieldValues = [
        "name": .string("JPA 3"),
        "starts_on": .string("2026-03-02"),
        "ends_on": .string("2026-04-30"),
        "participating_countries": .string("THA,IDN,MYS"),
        "report_summary": .string("Seven operations; two networks disrupted"),
    ]

    /// What a coordinator must give to open an operation.
    static let operationFields: FieldValues = [
        "name": .string("Operation Tidewater"),
        "lead_country": .string("IDN"),
    ]
}

extension Journey {
    /// The main road through `jpa.period` to each state.
    static let periodRoad: [String: [String]] = [
        "planned": [], "active": ["start"], "concluded": ["start", "conclude"],
        "reported": ["start", "conclude", "report"], "cancelled": ["cancel"],
    ]

    /// The main road through `jpa.operation` to each state (arrests are recorded before a referral).
    static let operationRoad: [String: [String]] = [
        "planned": [], "active": ["launch"], "judicial": ["launch", "refer_for_prosecution"],
        "concluded": ["launch", "conclude"], "cancelled": ["cancel"],
    ]

    /// A new case opened by a coordinator at `Fixture.start`; coordinators take every step.
    init(_ decider: Decider, fields: FieldValues, parent: CaseRecord? = nil, parentState: String? = nil,
         by actor: User = Fixture.coordinator) throws(WorkflowError) {
        try self.init(decider, fields: fields, parent: parent, parentState: parentState, by: actor, at: Fixture.start,
                      actor: { _ in Fixture.coordinator }, editor: Fixture.coordinator)
    }

    /// A period with `fields` taken along the main road to `state`.
    static func period(at state: String, fields: FieldValues = Fixture.periodFields) throws(WorkflowError) -> Journey {
        var journey = try Journey(Fixture.periods, fields: fields)
        try journey.follow(periodRoad[state] ?? [], to: state)
        #expect(journey.record.state == state)
        return journey
    }

    /// An operation under an active period, taken along the main road to `state`.
    static func operation(at state: String, fields: FieldValues = Fixture.operationFields) throws(WorkflowError) -> Journey {
        let period = try Journey.period(at: "active")
        var journey = try Journey(Fixture.operations, fields: fields, parent: period.record, parentState: "active")
        for transition in operationRoad[state] ?? [] {
            if transition == "refer_for_prosecution" { try journey.recordOutcome("arrests", 3) }
            try journey.advance(transition, reason: "on the way to \(state)")
        }
        #expect(journey.record.state == state)
        return journey
    }
}
