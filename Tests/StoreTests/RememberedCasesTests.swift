import AVRR
import Foundation
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine
import WorkflowTestSupport

/// An engine decides a change on the case as it last wrote it, without reading first. When another process moved the
/// case on meanwhile, the outcome is the one a fresh read would give: never a write on an old picture of the case,
/// never a refusal that only the old picture justifies.
@Suite("Changes decided on remembered cases")
struct RememberedCasesTests {
    /// Two engines over one store: two processes, each remembering what it wrote.
    static func withTwoEngines<T: Sendable>(
        _ backend: Backend, _ body: @Sendable (Engine, Engine) async throws -> T
    ) async throws -> T {
        try await backend.withFreshStore { (store, _) async throws in
            let registry = try WorkflowRegistry(modules: [AVRRModule()])
            let here = Engine(registry: registry, store: store, sealing: .testing), there = Engine(registry: registry, store: store, sealing: .testing)
            _ = try await here.addUser("root", roles: [.admin], as: nil)
            _ = try await here.addUser("amina", roles: [.caseworker], as: "root")
            _ = try await here.addUser("chen", roles: [.approver], as: "root")
            return try await body(here, there)
        }
    }

    static let opening: FieldValues = [
        "full_name": .string("Test Person"), "host_country": .string("THA"), "category": .string("irregular_migrant"),
    ]

    static func code(_ attempt: () async throws -> Void) async -> WorkflowError.Code? {
        do { try await attempt(); return nil } catch let error as WorkflowError { return error.code } catch { return .unavailable }
    }

    @Test(arguments: Backend.allCases)
    func aCaseMovedOnElsewhereIsDecidedOnItsCurrentState(_ backend: Backend) async throws {
        try await Self.withTwoEngines(backend) { here, there in
            let opened = try await here.open("avrr", fields: Self.opening, as: "amina")
            let id = CaseLocator.id(opened.id)
            _ = try await here.advance(id, "start_counselling", as: "amina")          // here remembers counselling, v2
            _ = try await there.advance(id, "hold", reason: "travel ban", as: "amina") // the case is on hold, v3

            // Allowed on the remembered picture, not on the case as it is: refused as a fresh read would refuse it.
            #expect(await Self.code { _ = try await here.advance(id, "submit", as: "amina") } == .notAllowed)
            // Refused on the remembered picture, allowed on the case as it is.
            let resumed = try await here.advance(id, "resume", as: "amina")
            #expect(resumed.state == "counselling" && resumed.version == 4)

            _ = try await there.update(id, fields: ["household_ref": .string("HH-17")], reason: "new number", as: "amina")
            // An update on a stale picture lands on top of the other process's, losing nothing.
            let updated = try await here.update(id, fields: ["nationality": .string("MMR")], reason: "confirmed", as: "amina")
            #expect(updated.version == 6)
            #expect(updated.fields["household_ref"] == .string("HH-17") && updated.fields["nationality"] == .string("MMR"))
            let stored = try await there.show(id, as: "amina")
            #expect(stored.version == updated.version && stored.state == updated.state && stored.fields == updated.fields)

            // A caller who names the version it saw still gets a conflict when the case moved on.
            _ = try await there.update(id, fields: ["nationality": .string("LAO")], reason: "corrected", as: "amina")
            #expect(await Self.code { _ = try await here.update(id, fields: ["household_ref": .string("HH-18")], as: "amina", expectedVersion: 6) } == .conflict)
            #expect(try await there.history(id, as: "amina").1.count == 7)
        }
    }

    @Test(arguments: Backend.allCases)
    func fourEyesHoldsOnARememberedCase(_ backend: Backend) async throws {
        try await Self.withTwoEngines(backend) { here, _ in
            _ = try await here.addUser("dara", roles: [.caseworker, .approver], as: "root")
            let opened = try await here.open("avrr", fields: Self.opening, as: "dara")
            let id = CaseLocator.id(opened.id)
            _ = try await here.advance(id, "start_counselling", as: "dara")
            _ = try await here.advance(id, "submit", fields: [
                "consent_signed_on": .string("2026-05-01"), "destination_country": .string("LKA"), "travel_document": .string("valid"),
            ], as: "dara")
            #expect(await Self.code { _ = try await here.advance(id, "approve", as: "dara") } == .guardFailed)
            #expect(try await here.advance(id, "approve", as: "chen").state == "approved")
        }
    }
}
