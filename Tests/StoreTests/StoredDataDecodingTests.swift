import Foundation
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine

/// Reading never invents data: a stored row that does not read back as the engine wrote it (corrupted here through
/// raw SQL) is an error naming the table, the row's key and the column, never a fresh UUID, "", 0 or a `note`.
@Suite("Stored data decoding")
struct StoredDataDecodingTests {
    /// An event appended behind the engine's back, at the case's next version (seq 2: the opened event is seq 1).
    static func appendRawEvent(_ raw: RawSQL, _ backend: Backend, caseID: UUID, kind: String, role: String? = nil,
                               key: String? = nil, hash: String? = nil) async throws {
        func text(_ value: String?) -> String { value.map { "'\($0)'" } ?? "NULL" }
        let at = backend == .sqlite ? "0" : "now()"
        try await raw.execute("""
            INSERT INTO case_events (case_id, case_version, kind, actor, role, fields, at, idempotency_key, request_hash)
            VALUES ('\(caseID.uuidString.lowercased())', 2, '\(kind)', 'mallory', \(text(role)), '{}', \(at), \(text(key)), \(text(hash)))
            """)
    }

    @Test(arguments: Backend.allCases)
    func anUnknownEventKindIsDamageNotANote(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, raw) async throws in
            let opened = try await store.insert(Sample.newCase())
            try await Self.appendRawEvent(raw, backend, caseID: opened.id, kind: "rewritten")
            await #expect(throws: WorkflowError.damagedRow(table: "case_events", key: "seq 2", column: "kind")) {
                _ = try await store.history(of: opened.id)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func anUnknownRoleIsDamageNotNoRole(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, raw) async throws in
            let opened = try await store.insert(Sample.newCase())
            try await Self.appendRawEvent(raw, backend, caseID: opened.id, kind: "note", role: "overlord")
            await #expect(throws: WorkflowError.damagedRow(table: "case_events", key: "seq 2", column: "role")) {
                _ = try await store.history(of: opened.id)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func aKeyedEventWithoutItsRequestHashIsDamage(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, raw) async throws in
            let opened = try await store.insert(Sample.newCase())
            try await Self.appendRawEvent(raw, backend, caseID: opened.id, kind: "note", key: "k-9")
            await #expect(throws: WorkflowError.damagedRow(table: "case_events", key: "idempotency_key k-9", column: "request_hash")) {
                _ = try await store.idempotentRequest(key: "k-9")
            }
            await #expect(throws: WorkflowError.damagedRow(table: "case_events", key: "idempotency_key k-9", column: "request_hash")) {
                _ = try await store.context(ContextQuery(actor: "amina", idempotencyKey: "k-9"))
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func caseFieldsOrOutcomesThatAreNotWhatWasWrittenAreDamage(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, raw) async throws in
            let opened = try await store.insert(Sample.newCase())
            try await raw.execute("UPDATE cases SET fields = '[1]'")
            let damagedFields = WorkflowError.damagedRow(table: "cases", key: opened.reference, column: "fields")
            await #expect(throws: damagedFields) { _ = try await store.findCase(.id(opened.id)) }
            await #expect(throws: damagedFields) { _ = try await store.listCases(CaseQuery()) }
            await #expect(throws: damagedFields) { _ = try await store.context(ContextQuery(actor: "amina", locator: .id(opened.id))) }

            try await raw.execute("UPDATE cases SET fields = '{}', outcomes = '{\"arrests\": \"many\"}'")
            await #expect(throws: WorkflowError.damagedRow(table: "cases", key: opened.reference, column: "outcomes")) {
                _ = try await store.findCase(.reference(opened.reference))
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func aUserWithAnUnknownRoleIsDamageNotFewerRoles(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, raw) async throws in
            try await store.addUser(Sample.user("amina", [.caseworker]), onlyIfFirst: false)
            try await raw.execute(backend == .sqlite ? "UPDATE users SET roles = 'caseworker,overlord'"
                                                     : "UPDATE users SET roles = '{caseworker,overlord}'")
            await #expect(throws: WorkflowError.damagedRow(table: "users", key: "name amina", column: "roles")) {
                _ = try await store.context(ContextQuery(actor: "amina"))
            }
            await #expect(throws: WorkflowError.damagedRow(table: "users", key: "name amina", column: "roles")) {
                _ = try await store.users()
            }
            await #expect(throws: WorkflowError.damagedRow(table: "users", key: "name amina", column: "roles")) {
                _ = try await store.user(named: "amina")
            }
        }
    }

    /// SQLite's columns take any type: an id that is not a UUID, a number or time that is text.
    @Test func sqliteCellsOfTheWrongTypeAreDamageNotDefaults() async throws {
        try await Backend.sqlite.withFreshStore { (store, raw) async throws in
            let opened = try await store.insert(Sample.newCase())
            try await raw.execute("""
                INSERT INTO cases (id, reference, workflow, definition_version, state, state_entered_at, version, fields,
                                   created_by, created_at, updated_by, updated_at)
                VALUES ('not-a-uuid', 'AVRR-2013-000777', 'avrr', 1, 'registered', 0, 1, '{}', 'x', 0, 'x', 0)
                """)
            await #expect(throws: WorkflowError.damagedRow(table: "cases", key: "AVRR-2013-000777", column: "id")) {
                _ = try await store.listCases(CaseQuery())
            }
            try await raw.execute("UPDATE cases SET version = 'two' WHERE reference = '\(opened.reference)'")
            await #expect(throws: WorkflowError.damagedRow(table: "cases", key: opened.reference, column: "version")) {
                _ = try await store.findCase(.id(opened.id))
            }
            try await raw.execute("UPDATE cases SET version = 1, updated_at = 'yesterday' WHERE reference = '\(opened.reference)'")
            await #expect(throws: WorkflowError.damagedRow(table: "cases", key: opened.reference, column: "updated_at")) {
                _ = try await store.findCase(.id(opened.id))
            }
        }
    }

    @Test func theMessageNamesTableKeyAndColumnButNoValue() {
        let error = WorkflowError.damagedRow(table: "case_events", key: "seq 2", column: "kind")
        #expect(error.code == .unavailable)
        #expect(error.message.hasPrefix("stored data is damaged: kind of case_events row seq 2 is missing or not readable"))
    }
}
