import Foundation
import JointPeriodOfAction
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// Operations run under a period, count what they achieved, and go to court when there were arrests.
@Suite("JPA operations")
struct JPAOperationTests {
    @Test func anOperationIsLaunchedReferredForProsecutionAndConcludedWhileOutcomesAccumulate() throws {
        var journey = try Journey.operation(at: "planned")
        try journey.advance("launch")
        try journey.recordOutcome("suspects_identified", 12)
        try journey.recordOutcome("arrests", 4)
        try journey.recordOutcome("arrests", 1)
        try journey.advance("refer_for_prosecution")
        try journey.recordOutcome("prosecutions", 3)
        try journey.advance("conclude")
        try journey.recordOutcome("convictions", 2)

        #expect(journey.record.state == "concluded")
        #expect(journey.record.outcomes == ["suspects_identified": 12, "arrests": 5, "prosecutions": 3, "convictions": 2])
        #expect(journey.events.compactMap(\.transition) == ["launch", "refer_for_prosecution", "conclude"])
    }

    @Test func anActiveOperationMayConcludeWithoutGoingToCourt() throws {
        var journey = try Journey.operation(at: "active")
        try journey.advance("conclude")
        #expect(journey.record.state == "concluded")
    }

    @Test func aPlannedOperationMayBeCancelledWithAReason() throws {
        var journey = try Journey.operation(at: "planned")
        try journey.advance("cancel", reason: "target moved abroad")
        #expect(journey.record.state == "cancelled")
        #expect(JPA.operation.transitions(from: "cancelled").isEmpty)
    }

    @Test func anOperationIsOpenedOnlyUnderAPeriod() throws {
        let missing = #expect(throws: WorkflowError.self) {
            try Fixture.operations.open(id: UUID(), fields: Fixture.operationFields, actor: Fixture.coordinator, at: Fixture.start)
        }
        #expect(missing?.code == .invalidData)
        let sibling = try Journey.operation(at: "planned")
        let wrong = #expect(throws: WorkflowError.self) {
            try Fixture.operations.open(
                id: UUID(), fields: Fixture.operationFields, parent: sibling.record, actor: Fixture.coordinator, at: Fixture.start)
        }
        #expect(wrong?.code == .invalidData)
        let period = try Journey.period(at: "planned")
        let new = try Fixture.operations.open(
            id: UUID(), fields: Fixture.operationFields, parent: period.record, actor: Fixture.coordinator, at: Fixture.start)
        #expect(new.record.parentID == period.record.id)
        #expect(new.referencePrefix == "JPAOP")
    }

    @Test(arguments: ["name", "lead_country"])
    func anOperationNeedsItsNameAndLeadCountryAtOpen(field: String) throws {
        let period = try Journey.period(at: "active")
        let error = #expect(throws: WorkflowError.self) {
            try Fixture.operations.open(id: UUID(), fields: Fixture.operationFields.without(field), parent: period.record,
                                        actor: Fixture.coordinator, at: Fixture.start)
        }
        #expect(error?.code == .invalidData)
        #expect(error?.details.first?.hasPrefix("\(field) (") == true)
    }

    @Test(arguments: [nil, "planned", "concluded", "reported", "cancelled"] as [String?])
    func launchWaitsUntilTheParentPeriodIsActive(parentState: String?) throws {
        var journey = try Journey.operation(at: "planned")
        journey.parentState = parentState
        let error = #expect(throws: WorkflowError.self) { try journey.advance("launch") }
        #expect(error?.code == .guardFailed)
        #expect(error?.details == ["parent active"])
        #expect(journey.record.state == "planned")
    }

    @Test func referralForProsecutionNeedsAtLeastOneArrest() throws {
        var journey = try Journey.operation(at: "active")
        try journey.recordOutcome("suspects_identified", 6)
        let none = #expect(throws: WorkflowError.self) { try journey.advance("refer_for_prosecution") }
        #expect(none?.code == .guardFailed)
        #expect(none?.details == ["arrests > 0"])

        try journey.recordOutcome("arrests", 2)
        try journey.recordOutcome("arrests", -2, reason: "double-counted by two agencies")
        let corrected = #expect(throws: WorkflowError.self) { try journey.advance("refer_for_prosecution") }
        #expect(corrected?.details == ["arrests > 0"])

        try journey.recordOutcome("arrests", 1)
        try journey.advance("refer_for_prosecution")
        #expect(journey.record.state == "judicial")
    }

    @Test func parentAndOutcomeGuardsReadTheirContext() {
        func context(outcomes: [String: Int] = [:], parentState: String? = nil) -> GuardContext {
            GuardContext(fields: [:], previousFields: [:], reason: nil, actor: "cora", latestActors: [:],
                         outcomes: outcomes, parentState: parentState)
        }
        let launch = JPA.operation.transition("launch", from: "planned")!.guards[0]
        #expect(launch.holds(in: context(parentState: "active")))
        #expect(!launch.holds(in: context(parentState: "concluded")))
        #expect(!launch.holds(in: context()))
        let refer = JPA.operation.transition("refer_for_prosecution", from: "active")!.guards[0]
        #expect(refer.holds(in: context(outcomes: ["arrests": 1])))
        #expect(!refer.holds(in: context(outcomes: ["arrests": 0, "suspects_identified": 9])))
        #expect(!refer.holds(in: context()))
    }

    @Test func aCancelledOperationNeedsAReason() throws {
        var journey = try Journey.operation(at: "planned")
        let error = #expect(throws: WorkflowError.self) { try journey.advance("cancel") }
        #expect(error?.code == .guardFailed)
        #expect(error?.details == ["reason given: pass --reason TEXT"])
    }

    @Test(arguments: ["active", "judicial", "concluded"])
    func outcomesAreRecordedWhileActiveInCourtAndAfterTheEnd(state: String) throws {
        var journey = try Journey.operation(at: state)
        try journey.recordOutcome("convictions", 1)
        #expect(journey.record.outcomes["convictions"] == 1)
    }

    @Test(arguments: ["planned", "cancelled"])
    func outcomesAreNeverRecordedBeforeLaunchOrOnACancelledOperation(state: String) throws {
        var journey = try Journey.operation(at: "planned")
        if state == "cancelled" { try journey.advance("cancel", reason: "called off") }
        let error = #expect(throws: WorkflowError.self) { try journey.recordOutcome("arrests", 1) }
        #expect(error?.code == .notAllowed)
    }

    @Test func aCorrectionNeverTakesATotalBelowZero() throws {
        var journey = try Journey.operation(at: "active")
        try journey.recordOutcome("victims_identified", 2)
        let error = #expect(throws: WorkflowError.self) {
            try journey.recordOutcome("victims_identified", -3, reason: "miscounted")
        }
        #expect(error?.code == .invalidData)
        #expect(journey.record.outcomes["victims_identified"] == 2)
    }

    @Test(arguments: [
        ("planned", "launch", Fixture.caseworker), ("active", "refer_for_prosecution", Fixture.manager),
        ("judicial", "conclude", Fixture.admin), ("planned", "cancel", Fixture.manager),
    ])
    func onlyCoordinatorsMoveOperations(state: String, transition: String, user: User) throws {
        var journey = try Journey.operation(at: state)
        let error = #expect(throws: WorkflowError.self) { try journey.advance(transition, by: user, reason: "trying") }
        #expect(error?.code == .forbidden)
    }

    @Test func noTimerWatchesAnOperationSoTheSystemCannotMoveOne() throws {
        var journey = try Journey.operation(at: "active")
        #expect(journey.record.dueAt == nil)
        let error = #expect(throws: WorkflowError.self) { try journey.advance("conclude", by: Fixture.system) }
        #expect(error?.code == .forbidden)
    }
}
