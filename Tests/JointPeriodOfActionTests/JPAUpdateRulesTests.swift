import Foundation
import JointPeriodOfAction
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// A period's dates are agreed while it is planned and never cross, whichever way they change; its name stays set.
@Suite("JPA: who may change which field where, and what always holds")
struct JPAUpdateRulesTests {
    static let invariant = "ends_on ≥ starts_on must hold for every jpa.period case"

    @Test func aPeriodNeverEndsBeforeItStartsWhicheverWayTheDatesChange() throws {
        let early = ["ends_on": JSONValue.string("2026-03-01")]  // the day before starts_on
        let opening = #expect(throws: WorkflowError.self) {
            try Fixture.periods.open(id: UUID(), fields: Fixture.periodFields.with(early), actor: Fixture.coordinator, at: Fixture.start)
        }
        #expect(opening?.code == .invalidData)
        #expect(opening?.details == [Self.invariant])

        var planned = try Journey.period(at: "planned")
        for change: FieldValues in [early, ["starts_on": .string("2026-05-01")]] {
            let update = #expect(throws: WorkflowError.self) { try planned.update(change) }
            #expect(update?.code == .invalidData)
            #expect(update?.details == [Self.invariant])
            let start = #expect(throws: WorkflowError.self) { try planned.advance("start", fields: change) }
            #expect(start?.code == .invalidData)
            #expect(start?.details == [Self.invariant])
        }
        #expect(planned.record.fields["ends_on"] == .string("2026-04-30") && planned.record.state == "planned")
        // Both moved together stay in order.
        try planned.update(["starts_on": .string("2026-05-01"), "ends_on": .string("2026-06-30")])
        #expect(planned.record.fields["starts_on"] == .string("2026-05-01"))
    }

    @Test func onceThePeriodRunsItsEndMovesOnlyThroughExtend() throws {
        var active = try Journey.period(at: "active")
        let error = #expect(throws: WorkflowError.self) { try active.update(["ends_on": .string("2026-03-10")]) }
        #expect(error?.code == .notAllowed)
        #expect(error?.details == ["ends_on may change only in planned"])
        try active.update(["participating_countries": .string("THA,IDN,MYS,PHL")])
        try active.advance("extend", fields: ["ends_on": .string("2026-05-31")], reason: "late arrests")
        #expect(active.record.fields["ends_on"] == .string("2026-05-31"))
    }

    @Test func theNameCannotBeClearedNorChangedOnceThePeriodRuns() throws {
        var planned = try Journey.period(at: "planned")
        let cleared = #expect(throws: WorkflowError.self) { try planned.update(["name": .string("  ")]) }
        #expect(cleared?.code == .invalidData)
        #expect(cleared?.message.contains("cannot clear name") == true)
        var active = try Journey.period(at: "active")
        let renamed = #expect(throws: WorkflowError.self) { try active.update(["name": .string("JPA 3b")]) }
        #expect(renamed?.code == .notAllowed)
    }

    @Test func renamingAPeriodKeepsTheOldNameClaimedAndClaimsTheNewOne() throws {
        var planned = try Journey.period(at: "planned")
        let change = try planned.update(["name": .string("JPA 3b")])
        #expect(change.releases.isEmpty)
        #expect(change.claims == [UniqueClaim(workflow: "jpa.period", field: "name", value: .string("JPA 3b"))])
        // The same name spelt differently is the same claim: nothing new to claim.
        #expect(try planned.update(["name": .string("jpa  3B")]).claims.isEmpty)
    }

    @Test func anOperationsLeadIsSettledBeforeLaunch() throws {
        var active = try Journey.operation(at: "active")
        let error = #expect(throws: WorkflowError.self) { try active.update(["lead_country": .string("THA")]) }
        #expect(error?.code == .notAllowed)
        try active.update(["target": .string("mixed"), "summary": .string("Two boats intercepted")])
    }

    /// What an idempotent retry returns: the case as its request left it, outcome totals included.
    @Test func anOperationIsRebuiltFromItsHistoryAsAnEarlierEventLeftIt() throws {
        var journey = try Journey.operation(at: "active")
        try journey.recordOutcome("arrests", 4)
        let afterArrests = journey.record
        try journey.recordOutcome("arrests", -1, reason: "counted twice")
        try journey.update(["summary": .string("Two boats intercepted")])
        try journey.advance("refer_for_prosecution")
        #expect(Fixture.operations.rebuild(journey.record, from: journey.events, through: afterArrests.version) == afterArrests)
        #expect(Fixture.operations.rebuild(journey.record, from: journey.events, through: journey.record.version) == journey.record)
    }

    @Test(arguments: [JPA.period, JPA.operation])
    func theReadmeSaysWhatEachRoleMayChangeWhere(_ workflow: WorkflowDefinition) throws {
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("`\(workflow.id)`:\n\n" + workflow.updateRulesTable + "\n"),
                "README.md's table for \(workflow.id) is out of date:\n\(workflow.updateRulesTable)")
    }
}
