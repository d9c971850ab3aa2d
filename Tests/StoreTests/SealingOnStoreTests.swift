import AVRR
import Foundation
import Testing
@testable import WorkflowEngine
import WorkflowTestSupport

/// Personal values as the stores keep them across changes. An engine remembers what it sealed and opened, so that a
/// change does not seal its case's unchanged values again; what it writes and reads must be exactly what a process
/// without that memory would write and read.
@Suite("Sealed values across changes")
struct SealingOnStoreTests {
    /// Two engines over one store, each with a sealing of its own under the same master key: two processes.
    static func withTwoProcesses<T: Sendable>(
        _ backend: Backend, _ body: @Sendable (Engine, Engine, RawSQL) async throws -> T
    ) async throws -> T {
        try await backend.withFreshStore { (store, raw) async throws in
            let registry = try WorkflowRegistry(modules: [AVRRModule()])
            func sealing() throws -> CaseSealing { CaseSealing(try MasterKey(bytes: Data(repeating: 0x5a, count: 32))) }
            let here = Engine(registry: registry, store: store, sealing: try sealing())
            let there = Engine(registry: registry, store: store, sealing: try sealing())
            _ = try await here.addUser("root", roles: [.admin], as: nil)
            _ = try await here.addUser("amina", roles: [.caseworker], as: "root")
            return try await body(here, there, raw)
        }
    }

    static func opening(_ name: String) -> FieldValues {
        ["full_name": .string(name), "host_country": .string("THA"), "category": .string("irregular_migrant")]
    }

    /// The stored (sealed) text of a case's field.
    static func storedText(_ engine: Engine, _ id: UUID, _ field: String) async throws -> String? {
        guard case .string(let text)? = try await engine.store.findCase(.id(id))?.fields[field] else { return nil }
        return text
    }

    @Test(arguments: Backend.allCases)
    func anUnchangedValueKeepsItsSealedFormAndAChangedOneIsSealedAnew(_ backend: Backend) async throws {
        try await Self.withTwoProcesses(backend) { here, there, _ in
            let opened = try await here.open("avrr", fields: Self.opening("Test Person"), as: "amina")
            let id = CaseLocator.id(opened.id)
            let first = try #require(try await Self.storedText(here, opened.id, "full_name"))
            #expect(first.hasPrefix("rso-sealed-1:") && !first.contains("Test Person"))

            _ = try await here.advance(id, "start_counselling", as: "amina")
            #expect(try await Self.storedText(here, opened.id, "full_name") == first)

            _ = try await here.update(id, fields: ["full_name": .string("Other Person")], reason: "spelling", as: "amina")
            let second = try #require(try await Self.storedText(here, opened.id, "full_name"))
            #expect(second != first && !second.contains("Other Person"))

            // A process that remembers nothing reads what this one wrote: the case, its history, its chain.
            #expect(try await there.show(id, as: "amina").fields["full_name"] == .string("Other Person"))
            let (_, events) = try await there.history(id, as: "amina")
            #expect(events.compactMap { $0.fields["full_name"] } == [.string("Test Person"), .string("Other Person")])
            let audit = try await there.verifyHistory(of: id, workflow: nil, as: "root")
            #expect(audit.broken == nil && audit.chainedEvents == 3)

            // And this one, having written it, reads the same.
            #expect(try await here.show(id, as: "amina").fields["full_name"] == .string("Other Person"))
        }
    }

    @Test(arguments: Backend.allCases)
    func aSealedValueCopiedIntoAnotherCaseDoesNotOpenThere(_ backend: Backend) async throws {
        try await Self.withTwoProcesses(backend) { here, _, raw in
            let source = try await here.open("avrr", fields: Self.opening("Source Person"), as: "amina")
            let target = try await here.open("avrr", fields: Self.opening("Target Person"), as: "amina")
            // Both values are in this engine's memory: the copy must still be refused, as a fresh process refuses it.
            _ = try await here.show(.id(source.id), as: "amina")
            _ = try await here.show(.id(target.id), as: "amina")
            switch backend {
            case .sqlite:
                try await raw.execute("""
                    UPDATE cases SET fields = json_set(fields, '$.full_name',
                        (SELECT json_extract(fields, '$.full_name') FROM cases WHERE reference = '\(source.reference)'))
                    WHERE reference = '\(target.reference)'
                    """)
            case .postgres:
                try await raw.execute("""
                    UPDATE cases SET fields = jsonb_set(fields, '{full_name}',
                        (SELECT fields->'full_name' FROM cases WHERE reference = '\(source.reference)'))
                    WHERE reference = '\(target.reference)'
                    """)
            }
            do {
                let shown = try await here.show(.id(target.id), as: "amina")
                Issue.record("a value sealed for \(source.reference) opened in \(target.reference): \(shown.fields["full_name"] ?? .null)")
            } catch let error as WorkflowError {
                #expect(error.code == .unavailable)
                #expect(error.message.contains("fields.full_name of cases row \(target.reference)"))
                #expect(!error.message.contains("Person"))
            }
        }
    }
}
