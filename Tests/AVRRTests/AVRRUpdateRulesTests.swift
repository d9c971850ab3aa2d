import AVRR
import Foundation
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// `case update` follows the workflow: what the submission checked changes only before it; travel details while
/// travel is arranged; required fields stay set.
@Suite("AVRR: who may change which field where")
struct AVRRUpdateRulesTests {
    @Test(arguments: ["destination_country", "consent_signed_on", "travel_document", "host_country", "category"])
    func whatTheSubmissionCheckedCannotChangeOnceApproved(field: String) throws {
        let values: [String: JSONValue] = [
            "destination_country": .string("LAO"), "consent_signed_on": .string("2026-03-20"),
            "travel_document": .string("none"), "host_country": .string("MYS"), "category": .string("refugee"),
        ]
        var journey = try Journey.at("approved")
        let before = journey.record
        let error = #expect(throws: WorkflowError.self) { try journey.update([field: values[field]!]) }
        #expect(error?.code == .notAllowed)
        #expect(error?.message.contains("while it is approved") == true)
        #expect(error?.details == ["\(field) may change only in registered, counselling"])
        #expect(journey.record == before)

        var counselling = try Journey.at("counselling")
        try counselling.update([field: values[field]!])
        #expect(counselling.record.fields[field] == values[field])
    }

    @Test func noLaterTransitionSetsWhatTheSubmissionChecked() throws {
        var journey = try Journey.at("approved")
        let error = #expect(throws: WorkflowError.self) {
            try journey.advance("arrange_travel", fields: ["destination_country": .string("LAO"), "departure_date": .string("2026-05-02")])
        }
        #expect(error?.code == .notAllowed)
        #expect(error?.message.contains("arrange_travel cannot set destination_country") == true)
        #expect(error?.details == ["destination_country may change only in registered, counselling"])
        #expect(journey.record.state == "approved")
        // What its own guards check, a transition may set (a document issued after approval, say).
        try journey.advance("arrange_travel", fields: ["travel_document": .string("emergency_issued")])
        #expect(journey.record.fields["travel_document"] == .string("emergency_issued"))
    }

    @Test func awaitingApprovalTheRefusalNamesTheWayBack() throws {
        var journey = try Journey.at("awaiting_approval")
        let error = #expect(throws: WorkflowError.self) { try journey.update(["destination_country": .string("LAO")]) }
        #expect(error?.code == .notAllowed)
        #expect(error?.message.contains("return_to_counselling leads to counselling") == true)
        try journey.advance("return_to_counselling", reason: "destination changed")
        try journey.update(["destination_country": .string("LAO")])
        #expect(journey.record.fields["destination_country"] == .string("LAO"))
    }

    @Test func theDepartureDateIsSetWhileTravelIsBeingArrangedAndRescheduledWithAReason() throws {
        var journey = try Journey.at("approved")
        try journey.update(["departure_date": .string("2026-05-01")])
        try journey.advance("arrange_travel")
        let error = #expect(throws: WorkflowError.self) { try journey.update(["departure_date": .string("2026-05-08")]) }
        #expect(error?.code == .notAllowed)
        #expect(error?.message.contains("departure_date may change only in approved (reschedule leads to approved)") == true)
        try journey.advance("reschedule", reason: "flight cancelled")
        try journey.update(["departure_date": .string("2026-05-08")])
        #expect(journey.record.fields["departure_date"] == .string("2026-05-08"))
    }

    @Test func onlyWhoeverWorksTheCaseInItsStateMayUpdateIt() throws {
        var approved = try Journey.at("approved")
        // Only caseworker transitions leave approved: an approver has no business there.
        let error = #expect(throws: WorkflowError.self) {
            try approved.update(["departure_date": .string("2026-05-01")], by: Fixture.approver)
        }
        #expect(error?.code == .forbidden)
        #expect(error?.message.contains("departure_date needs the role caseworker in approved") == true)
        #expect(error?.message.contains("amira has: approver") == true)

        // Awaiting approval, approvers and caseworkers both work the case: either may correct a name's spelling.
        var awaiting = try Journey.at("awaiting_approval")
        let change = try awaiting.update(["full_name": .string("Quyen Thi Zhao-Brook")], by: Fixture.approver)
        #expect(change.event.role == .approver)
        let manager = #expect(throws: WorkflowError.self) {
            try awaiting.update(["household_ref": .string("HH-1")], by: Fixture.manager)
        }
        #expect(manager?.code == .forbidden)
    }

    @Test(arguments: ["full_name", "host_country", "category"])
    func aRequiredFieldCannotBeClearedByUpdateOrOnTheWay(field: String) throws {
        for blank: JSONValue in [.string("   "), .string(""), .null] {
            var journey = try Journey.at("counselling")
            let error = #expect(throws: WorkflowError.self) { try journey.update([field: blank]) }
            #expect(error?.code == .invalidData)
            #expect(error?.message.contains("cannot clear \(field)") == true)
            #expect(error?.details == ["\(field) (\(AVRR.workflow.field(field)!.type.name)) is required: give a new value, --field \(field)=VALUE"])
            #expect(journey.record.fields[field] != nil)
            let onTheWay = #expect(throws: WorkflowError.self) { try journey.advance("submit", fields: [field: blank]) }
            #expect(onTheWay?.code == .invalidData)
        }
    }

    /// What an idempotent retry returns: the case as its request left it, however it moved since.
    @Test func aCaseIsRebuiltFromItsHistoryAsEachEventLeftIt() throws {
        var journey = try Journey.at("approved")
        var snapshots = [journey.record]
        try journey.advance("hold", reason: "medical")
        snapshots.append(journey.record)
        try journey.update(["household_ref": .string("HH-3")])
        snapshots.append(journey.record)
        try journey.advance("resume")
        snapshots.append(journey.record)
        try journey.advance("arrange_travel")
        for snapshot in snapshots {
            #expect(Fixture.decider.rebuild(journey.record, from: journey.events, through: snapshot.version) == snapshot,
                    "version \(snapshot.version)")
        }
    }

    @Test func theReadmeSaysWhatEachRoleMayChangeWhere() throws {
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("`avrr`:\n\n" + AVRR.workflow.updateRulesTable + "\n"), "README.md's table for avrr is out of date:\n\(AVRR.workflow.updateRulesTable)")
    }
}
