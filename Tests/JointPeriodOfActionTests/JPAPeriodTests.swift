import Foundation
import JointPeriodOfAction
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// One unmet guard: a case opened with `fields`, in `state`, asked to take `transition` setting `changes`.
struct GuardScenario: Sendable, CustomTestStringConvertible {
    let transition: String
    let state: String
    var fields: FieldValues = Fixture.periodFields
    var changes: FieldValues = [:]
    var reason: String? = nil
    let unmet: String

    var testDescription: String { "\(transition): \(unmet)" }
}

/// A period is planned, started, extended, concluded and reported, or cancelled before it starts.
@Suite("JPA periods")
struct JPAPeriodTests {
    static let ready = Fixture.periodFields

    @Test func aPeriodIsPlannedStartedExtendedConcludedAndReported() throws {
        var journey = try Journey(Fixture.periods, fields: ["name": .string("JPA 3")])
        #expect(journey.record.state == "planned")
        try journey.update(["starts_on": .string("2026-03-02"), "ends_on": .string("2026-04-30")])
        try journey.advance("start", fields: ["participating_countries": .string("THA,IDN")])
        try journey.advance("extend", fields: ["ends_on": .string("2026-05-15")], reason: "late arrests in two countries")
        try journey.advance("conclude")
        try journey.advance("report", fields: ["report_summary": .string("Four operations")])

        #expect(journey.record.state == "reported")
        #expect(journey.events.compactMap(\.transition) == ["start", "extend", "conclude", "report"])
        #expect(journey.events.compactMap(\.to) == ["planned", "active", "active", "concluded", "reported"])
        #expect(journey.record.fields["participating_countries"] == .array([.string("THA"), .string("IDN")]))
    }

    @Test func extendingIsASelfLoopThatKeepsThePeriodActiveAndRecordsTheReason() throws {
        var journey = try Journey.period(at: "active")
        let before = journey.record
        let change = try journey.advance("extend", fields: ["ends_on": .string("2026-05-31")], reason: "courts asked for time")
        #expect(change.record.state == "active")
        #expect(change.record.stateEnteredAt == before.stateEnteredAt, "a self-loop keeps the state's clock")
        #expect(change.record.previousState == before.previousState, "a self-loop keeps the way back")
        #expect(change.event.from == "active" && change.event.to == "active")
        #expect(change.event.reason == "courts asked for time")
        #expect(change.event.fields == ["ends_on": .string("2026-05-31")])
        try journey.advance("extend", fields: ["ends_on": .string("2026-06-15")], reason: "again")
        #expect(journey.record.state == "active")
    }

    @Test func aPlannedPeriodMayBeCancelledWithAReason() throws {
        var journey = try Journey.period(at: "planned")
        try journey.advance("cancel", reason: "member states could not agree dates")
        #expect(journey.record.state == "cancelled")
        #expect(JPA.period.transitions(from: "cancelled").isEmpty)
    }

    @Test(arguments: ["active", "concluded"])
    func onlyAPlannedPeriodMayBeCancelled(state: String) throws {
        var journey = try Journey.period(at: state)
        let error = #expect(throws: WorkflowError.self) { try journey.advance("cancel", reason: "too late") }
        #expect(error?.code == .notAllowed)
    }

    @Test func aPeriodMayStartAndEndOnTheSameDay() throws {
        var journey = try Journey.period(at: "planned", fields: Self.ready.with(["ends_on": .string("2026-03-02")]))
        try journey.advance("start")
        #expect(journey.record.state == "active")
    }

    static let refusals: [GuardScenario] = [
        .init(transition: "start", state: "planned", fields: ready.without("starts_on"), unmet: "starts_on set"),
        .init(transition: "start", state: "planned", fields: ready.without("ends_on"), unmet: "ends_on set"),
        .init(transition: "start", state: "planned", fields: ready.without("participating_countries"),
              unmet: "participating_countries set"),
        .init(transition: "start", state: "planned", changes: ["participating_countries": .string("")],
              unmet: "participating_countries set"),
        .init(transition: "extend", state: "active", reason: "same day", unmet: "a new ends_on later than the current one"),
        .init(transition: "extend", state: "active", changes: ["ends_on": .string("2026-04-30")], reason: "same",
              unmet: "a new ends_on later than the current one"),
        .init(transition: "extend", state: "active", changes: ["ends_on": .string("2026-04-15")], reason: "shorter",
              unmet: "a new ends_on later than the current one"),
        .init(transition: "extend", state: "active", changes: ["ends_on": .string("2026-05-15")], unmet: "reason given: pass --reason TEXT"),
        .init(transition: "extend", state: "active", changes: ["ends_on": .string("2026-05-15")], reason: "  ",
              unmet: "reason given: pass --reason TEXT"),
        .init(transition: "report", state: "concluded", fields: ready.without("report_summary"), unmet: "report_summary set"),
        .init(transition: "cancel", state: "planned", unmet: "reason given: pass --reason TEXT"),
    ]

    @Test(arguments: refusals)
    func eachGuardRefusesAloneAndNamesItself(_ scenario: GuardScenario) throws {
        var journey = try Journey.period(at: scenario.state, fields: scenario.fields)
        let error = #expect(throws: WorkflowError.self) {
            try journey.advance(scenario.transition, fields: scenario.changes, reason: scenario.reason)
        }
        #expect(error?.code == .guardFailed)
        #expect(error?.details == [scenario.unmet])
        #expect(journey.record.state == scenario.state)
    }

    @Test func startRefusesListingEveryUnmetGuard() throws {
        var journey = try Journey.period(at: "planned", fields: ["name": .string("JPA 4")])
        let error = #expect(throws: WorkflowError.self) { try journey.advance("start") }
        #expect(error?.code == .guardFailed)
        #expect(error?.details == ["starts_on set", "ends_on set", "participating_countries set"])
    }

    @Test func aPeriodCannotBeOpenedWithoutAName() {
        let error = #expect(throws: WorkflowError.self) {
            try Fixture.periods.open(id: UUID(), fields: Self.ready.without("name"), actor: Fixture.coordinator, at: Fixture.start)
        }
        #expect(error?.code == .invalidData)
        #expect(error?.details.first?.hasPrefix("name (string) is required at open") == true)
    }

    @Test func aPeriodsNameIsClaimedForeverEvenOnceItIsReportedOrCancelled() throws {
        let new = try Fixture.periods.open(id: UUID(), fields: Self.ready, actor: Fixture.coordinator, at: Fixture.start)
        #expect(new.claims == [UniqueClaim(workflow: "jpa.period", field: "name", value: .string("JPA 3"))])
        var reported = try Journey.period(at: "concluded")
        #expect(try reported.advance("report").releases.isEmpty)
        var cancelled = try Journey.period(at: "planned")
        #expect(try cancelled.advance("cancel", reason: "dropped").releases.isEmpty)
    }

    @Test(arguments: [
        ("planned", "start", Fixture.manager), ("active", "extend", Fixture.caseworker),
        ("active", "conclude", Fixture.admin), ("concluded", "report", Fixture.manager), ("planned", "cancel", Fixture.admin),
    ])
    func onlyCoordinatorsMovePeriods(state: String, transition: String, user: User) throws {
        var journey = try Journey.period(at: state)
        let error = #expect(throws: WorkflowError.self) {
            try journey.advance(transition, by: user, fields: ["ends_on": .string("2026-06-30")], reason: "trying")
        }
        #expect(error?.code == .forbidden)
        #expect(error?.message.contains("needs the role coordinator") == true)
    }

    @Test func onlyCoordinatorsOpenPeriods() {
        for user in [Fixture.caseworker, Fixture.manager, Fixture.admin] {
            let error = #expect(throws: WorkflowError.self) {
                try Fixture.periods.open(id: UUID(), fields: Self.ready, actor: user, at: Fixture.start)
            }
            #expect(error?.code == .forbidden)
        }
    }

    @Test func anActivePeriodIsDueTheMidnightAfterItsLastDayAndExtendingMovesIt() throws {
        var journey = try Journey.period(at: "active")
        #expect(journey.record.dueAt == Date(iso8601: "2026-05-01T00:00:00Z")!)
        try journey.advance("extend", fields: ["ends_on": .string("2026-05-31")], reason: "more time")
        #expect(journey.record.dueAt == Date(iso8601: "2026-06-01T00:00:00Z")!)
        try journey.advance("conclude")
        #expect(journey.record.dueAt == nil)
    }

    @Test func theSystemMayConcludeAnActivePeriodButNothingElse() throws {
        var active = try Journey.period(at: "active")
        let change = try active.advance("conclude", by: Fixture.system, at: Date(iso8601: "2026-05-01T00:00:00Z")!)
        #expect(change.record.state == "concluded")
        #expect(change.event.role == .system)

        var again = try Journey.period(at: "active")
        let extend = #expect(throws: WorkflowError.self) {
            try again.advance("extend", by: Fixture.system, fields: ["ends_on": .string("2026-06-30")], reason: "auto")
        }
        #expect(extend?.code == .forbidden)
        var concluded = try Journey.period(at: "concluded")
        let report = #expect(throws: WorkflowError.self) { try concluded.advance("report", by: Fixture.system) }
        #expect(report?.code == .forbidden)
    }
}
