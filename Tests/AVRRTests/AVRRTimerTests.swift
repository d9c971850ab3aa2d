import AVRR
import Foundation
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// Entering a watched state sets the case's due date; leaving it clears or moves it.
@Suite("AVRR timers")
struct AVRRTimerTests {
    @Test(arguments: [("awaiting_approval", 14), ("approved", 30), ("on_hold", 30), ("monitoring", 365)])
    func enteringAWatchedStateSetsDueDaysLater(state: String, days: Int) throws {
        let journey = try Journey.at(state)
        #expect(journey.record.stateEnteredAt == journey.now)
        #expect(journey.record.dueAt == journey.now.addingTimeInterval(Double(days) * Fixture.day))
    }

    @Test func enteringAwaitingApprovalAtTIsDueAtTPlus14Days() throws {
        var journey = try Journey.at("counselling")
        let submittedAt = Date(iso8601: "2026-03-10T14:30:00Z")!
        try journey.advance("submit", at: submittedAt)
        #expect(journey.record.dueAt == Date(iso8601: "2026-03-24T14:30:00Z")!)
    }

    @Test(arguments: ["registered", "counselling", "returned", "reintegration", "closed", "withdrawn"])
    func unwatchedStatesHaveNoDueDate(state: String) throws {
        var journey = try Journey.at(state == "withdrawn" ? "approved" : state)
        if state == "withdrawn" { try journey.advance("withdraw", reason: "stays") }
        #expect(journey.record.dueAt == nil)
    }

    @Test func travelArrangedIsDueSevenDaysAfterDepartureAndFollowsItsChanges() throws {
        var journey = try Journey.at("travel_arranged")
        #expect(journey.record.dueAt == Date(iso8601: "2026-04-22T00:00:00Z")!)
        // A new date goes through reschedule: set again while approved, then travel is arranged anew.
        try journey.advance("reschedule", reason: "flight moved")
        try journey.update(["departure_date": .string("2026-05-01")])
        try journey.advance("arrange_travel")
        #expect(journey.record.dueAt == Date(iso8601: "2026-05-08T00:00:00Z")!)
    }

    @Test func resumingFromHoldStartsTheResumedStatesClockAgain() throws {
        var journey = try Journey.at("approved")
        try journey.advance("hold", reason: "medical")
        let resumedAt = journey.now.addingTimeInterval(20 * Fixture.day)
        try journey.advance("resume", at: resumedAt)
        #expect(journey.record.state == "approved")
        #expect(journey.record.dueAt == resumedAt.addingTimeInterval(30 * Fixture.day))
    }
}
