import Foundation
import Secondments
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// Who may do what, and when a secondment becomes overdue.
@Suite("Secondment access and timers")
struct SecondmentAccessAndTimerTests {
    @Test(arguments: [
        ("proposed", "nominate", Fixture.manager),
        ("nominated", "approve", Fixture.coordinator),
        ("nominated", "decline", Fixture.coordinator),
        ("approved", "start", Fixture.manager),
        ("active", "extend", Fixture.coordinator),
        ("active", "conclude", Fixture.approver),
        ("concluded", "report", Fixture.admin),
        ("approved", "cancel", Fixture.caseworker),
    ])
    func aUserWithoutTheTransitionsRoleIsForbidden(state: String, transition: String, user: User) throws {
        var journey = try Journey.at(state)
        let error = #expect(throws: WorkflowError.self) {
            try journey.advance(transition, by: user, fields: ["planned_end": .string("2026-12-31")], reason: "trying")
        }
        #expect(error?.code == .forbidden)
        let needed = Secondments.workflow.transition(transition, from: state)?.roles.map(\.rawValue) ?? []
        #expect(error?.message.contains("needs the role \(needed.joined(separator: " or "))") == true)
        #expect(journey.record.state == state)
    }

    @Test func coordinatorsAndManagersOpenSecondmentsAndNobodyElse() throws {
        for user in [Fixture.coordinator, Fixture.manager] {
            _ = try Fixture.decider.open(id: UUID(), fields: Fixture.openingFields, actor: user, at: Fixture.start)
        }
        for user in [Fixture.caseworker, Fixture.approver, Fixture.admin] {
            let error = #expect(throws: WorkflowError.self) {
                try Fixture.decider.open(id: UUID(), fields: Fixture.openingFields, actor: user, at: Fixture.start)
            }
            #expect(error?.code == .forbidden)
        }
    }

    @Test func openingWithoutASecondingPartyIsRefused() {
        let error = #expect(throws: WorkflowError.self) {
            try Fixture.decider.open(id: UUID(), fields: ["funded_by": .string("EU")], actor: Fixture.coordinator, at: Fixture.start)
        }
        #expect(error?.code == .invalidData)
        #expect(error?.details.first?.hasPrefix("seconding_party (string) is required at open") == true)
    }

    @Test func noTimerFiresATransitionSoTheSystemMovesNothing() throws {
        var journey = try Journey.at("active")
        let error = #expect(throws: WorkflowError.self) {
            try journey.advance("conclude", by: Fixture.system)
        }
        #expect(error?.code == .forbidden)
    }

    @Test func anActivePlacementIsOverdueOnceItsPlannedEndDayHasPassed() throws {
        var journey = try Journey.at("active")
        #expect(journey.record.dueAt == Date(iso8601: "2026-08-29T00:00:00Z")!)
        try journey.advance("extend", fields: ["planned_end": .string("2026-10-30")])
        #expect(journey.record.dueAt == Date(iso8601: "2026-10-31T00:00:00Z")!)
        try journey.advance("extend", fields: ["planned_end": .string("2026-11-30")])
        #expect(journey.record.dueAt == Date(iso8601: "2026-12-01T00:00:00Z")!)
    }

    @Test func aConcludedPlacementIsOverdueThirtyDaysLaterUntilReported() throws {
        var journey = try Journey.at("active")
        let concludedAt = Date(iso8601: "2026-08-31T15:00:00Z")!
        try journey.advance("conclude", at: concludedAt)
        #expect(journey.record.dueAt == Date(iso8601: "2026-09-30T15:00:00Z")!)
        try journey.advance("report")
        #expect(journey.record.dueAt == nil)
    }

    @Test(arguments: ["proposed", "nominated", "approved"])
    func placementsNotYetRunningHaveNoDueDate(state: String) throws {
        #expect(try Journey.at(state).record.dueAt == nil)
    }
}
