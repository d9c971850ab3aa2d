import Foundation
import JointPeriodOfAction
import Testing
@testable import WorkflowEngine

/// The reads before a decision, fetched together, answer exactly what the reads one at a time answer.
@Suite("A request's context on a real store")
struct RequestContextTests {
    /// The same questions asked one read at a time, as the embedded store asks them.
    static func oneAtATime(_ store: any CaseStore, _ query: ContextQuery) async throws -> RequestContext {
        let record = try await query.locator.asyncMap { try await store.findCase($0) } ?? nil
        return RequestContext(
            user: try await store.user(named: query.actor),
            earlier: try await query.idempotencyKey.asyncMap { try await store.idempotentRequest(key: $0) } ?? nil,
            record: record,
            parentState: try await record?.parentID.asyncMap { try await store.findCase(.id($0))?.state } ?? nil,
            latestActors: try await record.asyncMap { try await store.latestActors(of: $0.id) } ?? [:])
    }

    static func expectSame(_ store: any CaseStore, _ query: ContextQuery) async throws {
        let together = try await store.context(query)
        let apart = try await oneAtATime(store, query)
        #expect(together.user == apart.user)
        #expect(together.earlier == apart.earlier)
        #expect(together.record == apart.record)
        #expect(together.parentState == apart.parentState)
        #expect(together.latestActors == apart.latestActors)
    }

    @Test(arguments: Backend.allCases)
    func theContextEqualsTheReadsOneAtATime(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let engine = Engine(registry: try WorkflowRegistry(modules: [JointPeriodOfActionModule()]), store: store)
            _ = try await engine.addUser("root", roles: [.admin], as: nil)
            _ = try await engine.addUser("dewi", roles: [.coordinator], as: "root")
            let period = try await engine.open("jpa.period", fields: [
                "name": .string("JPA 3"), "starts_on": .string("2026-05-01"), "ends_on": .string("2026-07-31"),
                "participating_countries": .string("IDN,THA"),
            ], as: "dewi", idempotencyKey: "open-jpa-3")
            _ = try await engine.advance(.id(period.id), "start", as: "dewi")
            let operation = try await engine.open(
                "jpa.operation", fields: ["name": .string("Op"), "lead_country": .string("IDN")], parent: .id(period.id), as: "dewi")

            let found = try await store.context(ContextQuery(
                actor: "dewi", idempotencyKey: "open-jpa-3", locator: .reference(operation.reference)))
            #expect(found.user?.roles == [.coordinator])
            #expect(found.earlier?.caseID == period.id)
            #expect(found.record?.id == operation.id)
            #expect(found.parentState == "active")

            let start = try await store.context(ContextQuery(actor: "dewi", locator: .id(period.id)))
            #expect(start.latestActors == ["start": "dewi"])

            for query in [
                ContextQuery(actor: "dewi", idempotencyKey: "open-jpa-3", locator: .reference(operation.reference)),
                ContextQuery(actor: "dewi", locator: .id(period.id)),
                ContextQuery(actor: "nobody", idempotencyKey: "unused", locator: .reference("JPA-2026-999999")),
                ContextQuery(actor: "root", locator: .id(UUID())),
                ContextQuery(actor: "root"),
            ] {
                try await Self.expectSame(store, query)
            }
            let nothing = try await store.context(ContextQuery(actor: "nobody", idempotencyKey: "unused", locator: .id(UUID())))
            #expect(nothing.user == nil && nothing.earlier == nil && nothing.record == nil && nothing.parentState == nil)
        }
    }
}
