import AVRR
import Foundation
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// Whole cases moving through the workflow.
@Suite("AVRR journeys")
struct AVRRJourneyTests {
    @Test func openingPutsTheCaseInRegisteredWithItsFields() throws {
        let new = try Fixture.decider.open(
            id: UUID(), fields: Fixture.openingFields, actor: Fixture.caseworker, at: Fixture.start)
        #expect(new.record.state == "registered")
        #expect(new.record.version == 1)
        #expect(new.record.fields["host_country"] == .string("THA"))
        #expect(new.referencePrefix == "AVRR")
        #expect(new.referenceYear == 2026)
        #expect(new.event.kind == .opened)
        #expect(new.event.role == .caseworker)
    }

    @Test func aCaseIsDrivenFromRegisteredThroughReintegrationToClosed() throws {
        var journey = try Journey(fields: Fixture.openingFields)
        try journey.advance("start_counselling")
        try journey.advance("submit", fields: [
            "consent_signed_on": .string("2026-03-03"),
            "destination_country": .string("VNM"),
            "travel_document": .string("emergency_issued"),
        ])
        try journey.advance("approve", by: Fixture.approver)
        try journey.advance("arrange_travel", fields: [
            "departure_date": .string("2026-04-15"),
            "exit_clearance": .string("not_required"),
        ])
        try journey.advance("confirm_return", fields: ["arrival_date": .string("2026-04-16")])
        try journey.advance("start_reintegration", fields: ["reintegration_plan": .string("Vocational training")])
        try journey.advance("start_monitoring")
        try journey.advance("close")

        #expect(journey.record.state == "closed")
        #expect(journey.record.version == 9)
        #expect(journey.events.compactMap(\.to) == [
            "registered", "counselling", "awaiting_approval", "approved", "travel_arranged",
            "returned", "reintegration", "monitoring", "closed",
        ])
        #expect(journey.events.dropFirst().map(\.caseVersion) == Array(2...9))
    }

    @Test func aReturnedCaseMayCloseWithoutReintegration() throws {
        var journey = try Journey.at("returned")
        try journey.advance("close")
        #expect(journey.record.state == "closed")
    }

    @Test func transitionEventRecordsNameStatesActorRoleReasonAndOnlyTheFieldsItSet() throws {
        var journey = try Journey.at("approved", fields: Fixture.readyFields.without("departure_date"))
        let change = try journey.advance(
            "arrange_travel", fields: ["departure_date": .string("2026-05-01")], reason: "flight booked")
        #expect(change.expectedVersion == 4)
        #expect(change.record.version == 5)
        #expect(change.event.kind == .transition)
        #expect(change.event.transition == "arrange_travel")
        #expect(change.event.from == "approved")
        #expect(change.event.to == "travel_arranged")
        #expect(change.event.actor == Fixture.caseworker.name)
        #expect(change.event.role == .caseworker)
        #expect(change.event.reason == "flight booked")
        #expect(change.event.fields == ["departure_date": .string("2026-05-01")])
        #expect(change.record.fields["departure_date"] == .string("2026-05-01"))
    }

    @Test(arguments: ["counselling", "awaiting_approval", "approved", "travel_arranged"])
    func holdThenResumeReturnsToTheStateItWasIn(state: String) throws {
        var journey = try Journey.at(state)
        try journey.advance("hold", reason: "travel document delayed")
        #expect(journey.record.state == "on_hold")
        #expect(journey.record.previousState == state)
        try journey.advance("resume")
        #expect(journey.record.state == state)
        #expect(journey.events.last?.from == "on_hold")
        #expect(journey.events.last?.to == state)
    }

    @Test(arguments: ["registered", "counselling", "awaiting_approval", "approved", "travel_arranged", "on_hold"])
    func theMigrantMayWithdrawAtAnyTimeBeforeDeparture(state: String) throws {
        var journey = try Journey.at(state)
        try journey.advance("withdraw", reason: "decided to stay with family")
        #expect(journey.record.state == "withdrawn")
    }

    @Test(arguments: ["returned", "reintegration", "monitoring"])
    func withdrawalIsNotAllowedAfterReturn(state: String) throws {
        var journey = try Journey.at(state)
        let error = #expect(throws: WorkflowError.self) {
            try journey.advance("withdraw", reason: "changed mind")
        }
        #expect(error?.code == .notAllowed)
    }

    @Test func aCaseReturnedToCounsellingCanBeSubmittedAgain() throws {
        var journey = try Journey.at("awaiting_approval")
        try journey.advance("return_to_counselling", reason: "consent form incomplete")
        #expect(journey.record.state == "counselling")
        try journey.advance("submit")
        #expect(journey.record.state == "awaiting_approval")
    }

    @Test func rescheduledTravelGoesBackToApproved() throws {
        var journey = try Journey.at("travel_arranged")
        try journey.advance("reschedule", reason: "flight cancelled")
        #expect(journey.record.state == "approved")
        try journey.advance("arrange_travel", fields: ["departure_date": .string("2026-04-22")])
        #expect(journey.record.state == "travel_arranged")
    }

    @Test(arguments: [
        ("registered", "refer", "referred"),
        ("awaiting_approval", "reject", "rejected"),
        ("travel_arranged", "mark_not_departed", "not_departed"),
        ("on_hold", "mark_lost_contact", "lost_contact"),
    ])
    func casesEndInTheTerminalStateOfTheirExit(from state: String, transition: String, to terminal: String) throws {
        var journey = try Journey.at(state)
        try journey.advance(transition, reason: "documented in the case file")
        #expect(journey.record.state == terminal)
        #expect(AVRR.workflow.transitions(from: terminal).isEmpty)
    }
}
