import AVRR
import Foundation
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// Who may do what, and what is allowed from where.
@Suite("AVRR access and allowed transitions")
struct AVRRAccessTests {
    @Test func theUserWhoSubmittedCannotApprove() throws {
        var journey = try Journey.at("counselling")
        try journey.advance("submit", by: Fixture.caseworkerAndApprover)
        let error = #expect(throws: WorkflowError.self) {
            try journey.advance("approve", by: Fixture.caseworkerAndApprover)
        }
        #expect(error?.code == .guardFailed)
        #expect(error?.details == ["not the user who made the latest submit (four eyes)"])
        try journey.advance("approve", by: Fixture.approver)
        #expect(journey.record.state == "approved")
    }

    @Test func fourEyesReadsTheLatestActorsItIsGiven() throws {
        let journey = try Journey.at("awaiting_approval")
        let error = #expect(throws: WorkflowError.self) {
            try Fixture.decider.advance(
                journey.record, transition: "approve", fields: [:], reason: nil, actor: Fixture.caseworkerAndApprover,
                at: journey.now, latestActors: ["submit": "alice"])
        }
        #expect(error?.code == .guardFailed)
        let change = try Fixture.decider.advance(
            journey.record, transition: "approve", fields: [:], reason: nil, actor: Fixture.caseworkerAndApprover,
            at: journey.now, latestActors: ["submit": "cwen"])
        #expect(change.record.state == "approved")
    }

    @Test func onlyTheLatestSubmissionCountsForFourEyes() throws {
        var journey = try Journey.at("counselling")
        try journey.advance("submit", by: Fixture.caseworkerAndApprover)
        try journey.advance("return_to_counselling", by: Fixture.approver, reason: "destination to confirm")
        try journey.advance("submit", by: Fixture.otherCaseworker)
        try journey.advance("approve", by: Fixture.caseworkerAndApprover)
        #expect(journey.record.state == "approved")
    }

    @Test(arguments: [
        ("registered", "start_counselling", Fixture.approver),
        ("counselling", "submit", Fixture.approver),
        ("awaiting_approval", "approve", Fixture.caseworker),
        ("awaiting_approval", "reject", Fixture.caseworker),
        ("approved", "arrange_travel", Fixture.manager),
        ("travel_arranged", "confirm_return", Fixture.admin),
    ])
    func aUserWithoutTheTransitionsRoleIsForbidden(state: String, transition: String, user: User) throws {
        var journey = try Journey.at(state)
        let error = #expect(throws: WorkflowError.self) {
            try journey.advance(transition, by: user, reason: "trying")
        }
        #expect(error?.code == .forbidden)
        let needed = AVRR.workflow.transition(transition, from: state)?.roles.map(\.rawValue) ?? []
        #expect(error?.message.contains("needs the role \(needed.joined(separator: " or "))") == true)
        #expect(error?.message.contains(user.name) == true)
    }

    @Test func onlyCaseworkersOpenCases() {
        for user in [Fixture.approver, Fixture.manager, Fixture.admin] {
            let error = #expect(throws: WorkflowError.self) {
                try Fixture.decider.open(id: UUID(), fields: Fixture.openingFields, actor: user, at: Fixture.start)
            }
            #expect(error?.code == .forbidden)
        }
    }

    @Test func theSystemFiresOnlyTheMonitoringTimersClose() throws {
        var monitoring = try Journey.at("monitoring")
        let change = try monitoring.advance("close", by: Fixture.system)
        #expect(change.record.state == "closed")
        #expect(change.event.role == .system)

        var returned = try Journey.at("returned")
        let error = #expect(throws: WorkflowError.self) { try returned.advance("close", by: Fixture.system) }
        #expect(error?.code == .forbidden)

        var awaiting = try Journey.at("awaiting_approval")
        let approval = #expect(throws: WorkflowError.self) { try awaiting.advance("approve", by: Fixture.system) }
        #expect(approval?.code == .forbidden)
    }

    @Test func aTransitionFromTheWrongStateIsNotAllowedAndNamesTheAllowedOnes() throws {
        var journey = try Journey.at("registered")
        let error = #expect(throws: WorkflowError.self) { try journey.advance("submit") }
        #expect(error?.code == .notAllowed)
        #expect(error?.message.contains("submit is not allowed from registered") == true)
        #expect(error?.message.contains("allowed now: start_counselling, withdraw, refer, mark_lost_contact") == true)
    }

    @Test func noTransitionLeavesAFinalState() throws {
        var journey = try Journey.at("closed")
        let error = #expect(throws: WorkflowError.self) { try journey.advance("resume") }
        #expect(error?.code == .notAllowed)
        #expect(error?.message.contains("none (closed is final)") == true)
    }

    @Test func anUnknownTransitionIsNotAllowedAndSaysSo() throws {
        var journey = try Journey.at("counselling")
        let error = #expect(throws: WorkflowError.self) { try journey.advance("deport") }
        #expect(error?.code == .notAllowed)
        #expect(error?.message.contains("deport is not a transition of avrr") == true)
        #expect(error?.message.contains("allowed now: submit, withdraw, refer, mark_lost_contact, hold") == true)
    }

    @Test func theStateIsCheckedBeforeTheRoleAndTheRoleBeforeTheData() throws {
        var journey = try Journey.at("registered")
        let wrongState = #expect(throws: WorkflowError.self) {
            try journey.advance("approve", by: Fixture.caseworker, fields: ["sex": .string("f")])
        }
        #expect(wrongState?.code == .notAllowed)
        let wrongRole = #expect(throws: WorkflowError.self) {
            try journey.advance("start_counselling", by: Fixture.approver, fields: ["sex": .string("f")])
        }
        #expect(wrongRole?.code == .forbidden)
    }
}
