import Foundation
import Secondments
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// Whole secondments moving through the workflow, and their side exits.
@Suite("Secondment journeys")
struct SecondmentJourneyTests {
    @Test func openingPutsTheSecondmentInProposed() throws {
        let new = try Fixture.decider.open(id: UUID(), fields: Fixture.openingFields, actor: Fixture.coordinator, at: Fixture.start)
        #expect(new.record.state == "proposed")
        #expect(new.referencePrefix == "SEC")
        #expect(new.record.fields == ["seconding_party": .string("AUS")])
        #expect(new.claims.isEmpty)
    }

    @Test func aSecondmentIsNominatedApprovedStartedExtendedConcludedAndReported() throws {
        var journey = try Journey(fields: ["seconding_party": .string("UNODC"), "funded_by": .string("EU")])
        try journey.advance("nominate", fields: [
            "officer_name": .string(Fixture.officerName), "officer_position": .string("Analyst"),
        ])
        try journey.advance("approve", fields: [
            "project": .string("Regional smuggling routes study"),
            "planned_start": .string("2026-02-02"), "planned_end": .string("2026-04-03"),
        ])
        try journey.advance("start", fields: ["actual_start": .string("2026-02-09")])
        try journey.advance("extend", fields: ["planned_end": .string("2026-06-30")])
        try journey.advance("conclude", fields: ["actual_end": .string("2026-06-26")])
        try journey.advance("report", fields: ["deliverables": .string("Study published"), "evaluation": .string("Good")])

        #expect(journey.record.state == "reported")
        #expect(journey.events.compactMap(\.to) == [
            "proposed", "nominated", "approved", "active", "active", "concluded", "reported",
        ])
        #expect(journey.events.dropFirst().map(\.role) == [.coordinator, .manager, .coordinator, .manager, .coordinator, .coordinator])
    }

    @Test func extendingIsASelfLoopThatKeepsThePlacementActive() throws {
        var journey = try Journey.at("active")
        let change = try journey.advance("extend", fields: ["planned_end": .string("2026-12-18")], reason: "second phase")
        #expect(change.record.state == "active")
        #expect(change.event.from == "active" && change.event.to == "active")
        #expect(change.event.fields == ["planned_end": .string("2026-12-18")])
        try journey.advance("extend", fields: ["planned_end": .string("2027-03-31")])
        #expect(journey.record.state == "active")
        #expect(journey.record.fields["planned_end"] == .string("2027-03-31"))
    }

    @Test func aShortPlacementIsNeverRefusedForItsDuration() throws {
        let twoWeeks = Fixture.readyFields.with([
            "planned_start": .string("2026-03-02"), "planned_end": .string("2026-03-13"),
            "actual_start": .string("2026-03-02"), "actual_end": .string("2026-03-02"),
        ])
        let journey = try Journey.at("reported", fields: twoWeeks)
        #expect(journey.record.state == "reported")
    }

    @Test(arguments: ["proposed", "nominated"])
    func aManagerMayDeclineBeforeApproval(state: String) throws {
        var journey = try Journey.at(state)
        try journey.advance("decline", reason: "no matching project this year")
        #expect(journey.record.state == "declined")
        #expect(Secondments.workflow.transitions(from: "declined").isEmpty)
    }

    @Test func anApprovedSecondmentCanNoLongerBeDeclined() throws {
        var journey = try Journey.at("approved")
        let error = #expect(throws: WorkflowError.self) { try journey.advance("decline", reason: "changed mind") }
        #expect(error?.code == .notAllowed)
    }

    @Test(arguments: ["proposed", "nominated", "approved"])
    func aManagerMayCancelUntilThePlacementStarts(state: String) throws {
        var journey = try Journey.at(state)
        try journey.advance("cancel", reason: "officer recalled by the seconding party")
        #expect(journey.record.state == "cancelled")
    }

    @Test(arguments: ["active", "concluded"])
    func aStartedPlacementCannotBeCancelled(state: String) throws {
        var journey = try Journey.at(state)
        let error = #expect(throws: WorkflowError.self) { try journey.advance("cancel", reason: "too late") }
        #expect(error?.code == .notAllowed)
    }

    @Test func theOfficersNameNeverAppearsInRefusalsOrPrintedRecords() throws {
        var journey = try Journey.at("nominated", fields: Fixture.readyFields.without("project"))
        let refusal = #expect(throws: WorkflowError.self) { try journey.advance("approve") }
        let forbidden = #expect(throws: WorkflowError.self) { try journey.advance("approve", by: Fixture.coordinator) }
        let texts = [refusal?.description, forbidden?.description, "\(journey.record)", "\(journey.events)"]
        for text in texts { #expect(text?.contains(Fixture.officerName) == false) }
    }
}
