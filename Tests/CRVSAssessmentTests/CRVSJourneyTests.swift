import CRVSAssessment
import Foundation
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// Whole assessments moving through the toolkit's stages, and their side exits.
@Suite("CRVS journeys")
struct CRVSJourneyTests {
    @Test func anAssessmentGoesFromRequestToCompletedFollowUp() throws {
        var journey = try Journey(fields: ["country": .string("IDN")])
        try journey.advance("start_inception", fields: ["lead_agency": .string("Dukcapil")])
        try journey.advance("start_data_collection", fields: [
            "government_focal_point": .string("Focal Point"), "population_groups": .string("refugees"),
            "vital_events": .string("birth"),
        ])
        try journey.update(["access": Fixture.access(["refugees": ["birth": "partial"]])])
        try journey.advance("start_analysis")
        try journey.advance("submit_findings", fields: ["key_findings": .string("K"), "recommendations": .string("R")])
        try journey.advance("endorse", fields: ["endorsed_on": .string("2026-06-01"), "endorsed_by": .string("Committee")])
        try journey.advance("publish", fields: ["report_reference": .string("RSO/CRVS/2026/01")])
        try journey.advance("start_follow_up", fields: ["action_plan": .string("Plan")])
        try journey.advance("complete")

        #expect(journey.record.state == "completed")
        #expect(journey.events.compactMap(\.transition) == [
            "start_inception", "start_data_collection", "start_analysis", "submit_findings", "endorse", "publish",
            "start_follow_up", "complete",
        ])
    }

    @Test func validationMayRequestARevisionAndTheFindingsAreSubmittedAgain() throws {
        var journey = try Journey.at("validation")
        try journey.advance("request_revision", reason: "working group disputes the coverage figures")
        #expect(journey.record.state == "analysis")
        try journey.advance("submit_findings", fields: ["key_findings": .string("Revised")])
        #expect(journey.record.state == "validation")
    }

    @Test(arguments: ["inception", "data_collection", "analysis", "validation"])
    func suspendThenResumeReturnsToTheStageItWasIn(state: String) throws {
        var journey = try Journey.at(state)
        try journey.advance("suspend", reason: "elections: ministry reorganised")
        #expect(journey.record.state == "suspended")
        #expect(journey.record.previousState == state)
        try journey.advance("resume")
        #expect(journey.record.state == state)
    }

    @Test(arguments: ["requested", "endorsed", "published", "follow_up"])
    func onlyWorkingStagesMayBeSuspended(state: String) throws {
        var journey = try Journey.at(state)
        let error = #expect(throws: WorkflowError.self) { try journey.advance("suspend", reason: "pause") }
        #expect(error?.code == .notAllowed)
    }

    @Test(arguments: ["requested", "inception", "data_collection", "analysis", "validation", "endorsed", "published", "follow_up", "suspended"])
    func aManagerMayWithdrawFromAnyStageThatIsNotFinal(state: String) throws {
        var journey = try Journey.at(state)
        let change = try journey.advance("withdraw", reason: "government withdrew its request")
        #expect(change.record.state == "withdrawn")
        #expect(change.event.role == .manager)
    }

    @Test func aCompletedAssessmentCannotBeWithdrawn() throws {
        var journey = try Journey.at("completed")
        let error = #expect(throws: WorkflowError.self) { try journey.advance("withdraw", reason: "late") }
        #expect(error?.code == .notAllowed)
    }

    @Test func aCountryIsHeldWhileItsAssessmentIsOpenAndFreedWhenItEnds() throws {
        let new = try Fixture.decider.open(id: UUID(), fields: Fixture.readyFields, actor: Fixture.coordinator, at: Fixture.start)
        #expect(new.claims == [UniqueClaim(workflow: "crvs", field: "country", value: .string("THA"))])
        var withdrawn = try Journey.at("analysis")
        #expect(try withdrawn.advance("withdraw", reason: "stopped").releases == ["country"])
        var completed = try Journey.at("follow_up")
        #expect(try completed.advance("complete").releases == ["country"])
        var suspended = try Journey.at("inception")
        #expect(try suspended.advance("suspend", reason: "pause").releases.isEmpty)
    }

    @Test(arguments: [
        ("requested", "start_inception", Fixture.manager),
        ("inception", "start_data_collection", Fixture.caseworker),
        ("data_collection", "start_analysis", Fixture.approver),
        ("validation", "endorse", Fixture.manager),
        ("endorsed", "publish", Fixture.admin),
        ("inception", "suspend", Fixture.manager),
        ("suspended", "resume", Fixture.manager),
        ("analysis", "withdraw", Fixture.coordinator),
        ("published", "withdraw", Fixture.admin),
    ])
    func aUserWithoutTheTransitionsRoleIsForbidden(state: String, transition: String, user: User) throws {
        var journey = try Journey.at(state)
        let error = #expect(throws: WorkflowError.self) { try journey.advance(transition, by: user, reason: "trying") }
        #expect(error?.code == .forbidden)
        let needed = CRVS.workflow.transition(transition, from: state)?.roles.map(\.rawValue) ?? []
        #expect(error?.message.contains("needs the role \(needed.joined(separator: " or "))") == true)
    }

    @Test func noTimerFiresATransitionSoTheSystemMovesNothing() throws {
        var journey = try Journey.at("suspended")
        let error = #expect(throws: WorkflowError.self) { try journey.advance("resume", by: Fixture.system) }
        #expect(error?.code == .forbidden)
    }

    @Test(arguments: [("data_collection", 90), ("validation", 60), ("endorsed", 180), ("suspended", 180)])
    func enteringAWatchedStageSetsDueDaysLater(state: String, days: Int) throws {
        let journey = try Journey.at(state)
        #expect(journey.record.dueAt == journey.record.stateEnteredAt.addingTimeInterval(Double(days) * Fixture.day))
    }

    @Test(arguments: ["requested", "inception", "analysis", "published", "follow_up", "completed"])
    func unwatchedStagesHaveNoDueDate(state: String) throws {
        #expect(try Journey.at(state).record.dueAt == nil)
    }

    @Test func resumingDataCollectionStartsItsNinetyDaysAgain() throws {
        var journey = try Journey.at("data_collection")
        try journey.advance("suspend", reason: "funding gap")
        let resumedAt = journey.now.addingTimeInterval(100 * Fixture.day)
        try journey.advance("resume", at: resumedAt)
        #expect(journey.record.dueAt == resumedAt.addingTimeInterval(90 * Fixture.day))
    }
}
