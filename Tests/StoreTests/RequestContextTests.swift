import Foundation
import JointPeriodOfAction
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine
import WorkflowTestSupport

/// The reads before a decision, fetched together, answer exactly what was written: the user, an earlier keyed
/// request, the case, its parent's state and who last made each transition.
@Suite("A request's context on a real store")
struct RequestContextTests {
    @Test(arguments: Backend.allCases)
    func theContextEqualsTheReadsOneAtATime(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let engine = Engine(registry: try WorkflowRegistry(modules: [JointPeriodOfActionModule()]), store: store, sealing: .testing)
            _ = try await engine.addUser("root", roles: [.admin], as: nil)
            _ = try await engine.addUser("dewi", roles: [.coordinator], as: "root")
            let period = try await engine.open("jpa.period", fields: [
                "name": .string("JPA 3"), "starts_on": .string("2026-05-01"), "ends_on": .string("2026-07-31"),
                "participating_countries": .string("IDN,THA"),
            ], as: "dewi", idempotencyKey: "open-jpa-3")
            _ = try await engine.advance(.id(period.id), "start", as: "dewi")
            let operation = try await engine.open(
                "jpa.operation", fields: ["name": .string("Op"), "lead_country": .string("IDN")], parent: .id(period.id), as: "dewi")

            let started = try await engine.find(.id(period.id))

            // Each question answered by what was written, never by another read of the store.
            let operationContext = try await store.context(ContextQuery(
                actor: "dewi", idempotencyKey: "open-jpa-3", locator: .reference(operation.reference)))
            #expect(operationContext.user?.name == "dewi" && operationContext.user?.roles == [.coordinator])
            #expect(operationContext.earlier?.caseID == period.id)
            #expect(operationContext.earlier?.requestHash.isEmpty == false)
            #expect(operationContext.record == operation)
            #expect(operationContext.parentState == "active")
            #expect(operationContext.latestActors == [:])

            let periodContext = try await store.context(ContextQuery(actor: "dewi", locator: .id(period.id)))
            #expect(periodContext.user?.name == "dewi")
            #expect(periodContext.earlier == nil)
            #expect(periodContext.record == started)
            #expect(periodContext.parentState == nil, "a period has no parent")
            #expect(periodContext.latestActors == ["start": "dewi"])

            let byLowerCaseID = try await store.context(ContextQuery(actor: "dewi", locator: CaseLocator(period.id.uuidString.lowercased())))
            #expect(byLowerCaseID.record?.id == period.id)

            let strangers = try await store.context(ContextQuery(
                actor: "nobody", idempotencyKey: "unused", locator: .reference("JPA-2026-999999")))
            #expect(strangers.user == nil && strangers.earlier == nil && strangers.record == nil)
            #expect(strangers.parentState == nil && strangers.latestActors == [:])

            let noCase = try await store.context(ContextQuery(actor: "root", locator: .id(UUID())))
            #expect(noCase.user?.roles == [.admin] && noCase.record == nil && noCase.latestActors == [:])

            let userOnly = try await store.context(ContextQuery(actor: "root"))
            #expect(userOnly.user?.name == "root" && userOnly.earlier == nil && userOnly.record == nil && userOnly.parentState == nil)
        }
    }
}
