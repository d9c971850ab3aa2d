import Foundation
import JointPeriodOfAction
import Testing
import WorkflowEngine

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

extension FieldValues {
    /// These fields, with `changes` set on top.
    func with(_ changes: FieldValues) -> FieldValues { merging(changes) { _, new in new } }

    /// These fields without `names`.
    func without(_ names: String...) -> FieldValues { filter { !names.contains($0.key) } }
}

/// One case driven through the pure `Decider`, remembering what a store would: the record,
/// the time, and the parent period's state (which the store looks up for `launch`).
struct Journey {
    let decider: Decider
    private(set) var record: CaseRecord
    private(set) var now: Date
    private(set) var events: [EventRecord]
    /// The parent period's state as the store would read it; only operations have one.
    var parentState: String?

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

    /// A new case opened by a coordinator at `Fixture.start`.
    init(_ decider: Decider, fields: FieldValues, parent: CaseRecord? = nil, parentState: String? = nil,
         by actor: User = Fixture.coordinator) throws(WorkflowError) {
        let new = try decider.open(id: UUID(), fields: fields, parent: parent, actor: actor, at: Fixture.start)
        self.decider = decider
        record = new.record
        now = Fixture.start
        events = [new.event]
        self.parentState = parentState
    }

    /// A period with `fields` taken along the main road to `state`.
    static func period(at state: String, fields: FieldValues = Fixture.periodFields) throws(WorkflowError) -> Journey {
        var journey = try Journey(Fixture.periods, fields: fields)
        for transition in periodRoad[state] ?? [] {
            try journey.advance(transition, reason: "on the way to \(state)")
        }
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

    /// Takes `transition` a day after the previous step (or `at`).
    @discardableResult
    mutating func advance(
        _ transition: String, by actor: User = Fixture.coordinator, fields: FieldValues = [:], reason: String? = nil,
        at: Date? = nil
    ) throws(WorkflowError) -> CaseChange {
        let when = at ?? now.addingTimeInterval(Fixture.day)
        let change = try decider.advance(
            record, transition: transition, fields: fields, reason: reason, actor: actor, at: when,
            parentState: parentState)
        apply(change, at: when)
        return change
    }

    /// Adds `count` to an outcome counter, a day after the previous step.
    @discardableResult
    mutating func recordOutcome(_ outcome: String, _ count: Int, reason: String? = nil) throws(WorkflowError) -> CaseChange {
        let when = now.addingTimeInterval(Fixture.day)
        let change = try decider.record(record, outcome: outcome, count: count, reason: reason, actor: Fixture.coordinator, at: when)
        apply(change, at: when)
        return change
    }

    /// Sets fields without moving the case, a day after the previous step.
    @discardableResult
    mutating func update(_ fields: FieldValues) throws(WorkflowError) -> CaseChange {
        let when = now.addingTimeInterval(Fixture.day)
        let change = try decider.update(record, fields: fields, reason: nil, actor: Fixture.coordinator, at: when)
        apply(change, at: when)
        return change
    }

    private mutating func apply(_ change: CaseChange, at when: Date) {
        record = change.record
        now = when
        events.append(change.event)
    }
}
