import Foundation
import SQLiteNIO
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine

/// The store's own connection enforces what protects the history (the shells are in RsoctlTests/HistoryProtectionTests).
@Suite("History protection on the store's connection")
struct HistoryProtectionOnStoreTests {
    @Test func theSQLiteStoreConnectionEnforcesForeignKeys() async throws {
        try await Backend.sqlite.withFreshStore { (store, raw) async throws in
            let sqlite = try #require(store as? SQLiteStore)
            let pragma = try await sqlite.connection.query("PRAGMA foreign_keys")
            #expect(pragma.first?.column("foreign_keys")?.integer == 1)
            // No trigger checks this one: only the foreign key refuses an event of no case.
            await #expect(throws: SQLiteError.self) {
                try await raw.execute("""
                    INSERT INTO case_events (case_id, case_version, kind, actor, fields, at)
                    VALUES ('\(UUID().uuidString.lowercased())', 1, 'opened', 'mallory', '{}', 0)
                    """)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func aCaseWithHistoryCannotBeDeleted(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, raw) async throws in
            let opened = try await store.insert(Sample.newCase())
            await #expect(throws: (any Error).self) { try await raw.execute("DELETE FROM cases") }
            #expect(try await store.findCase(.id(opened.id)) != nil)
            #expect(try await store.history(of: opened.id).count == 1)
        }
    }

    @Test func sqliteRefusesAnyEventInsertThatWouldReplaceOne() async throws {
        try await Backend.sqlite.withFreshStore { (store, raw) async throws in
            let opened = try await store.insert(Sample.newCase(key: "k-1"))
            for sql in [
                "INSERT OR REPLACE INTO case_events (seq, case_id, case_version, kind, actor, fields, at) SELECT seq, case_id, 7, 'note', 'mallory', '{}', at FROM case_events",
                "INSERT OR REPLACE INTO case_events (case_id, case_version, kind, actor, fields, at) SELECT case_id, case_version, 'note', 'mallory', '{}', at FROM case_events",
                "INSERT OR REPLACE INTO case_events (case_id, case_version, kind, actor, fields, at, idempotency_key) SELECT case_id, 7, 'note', 'mallory', '{}', at, idempotency_key FROM case_events",
                "INSERT OR IGNORE INTO case_events (case_id, case_version, kind, actor, fields, at) SELECT case_id, case_version, 'note', 'mallory', '{}', at FROM case_events",
            ] {
                await #expect(throws: SQLiteError.self, "\(sql)") { try await raw.execute(sql) }
            }
            let history = try await store.history(of: opened.id)
            #expect(history.map(\.actor) == ["amina"])
            #expect(history.first?.idempotencyKey == "k-1")
        }
    }
}
