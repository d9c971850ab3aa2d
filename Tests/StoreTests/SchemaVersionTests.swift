import Foundation
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine

/// Both stores follow one numbered list of schema versions (`SchemaVersion`).
@Suite("One list of schema versions")
struct SchemaVersionTests {
    @Test("a fresh store of either kind has applied every version of the one list, under its name", arguments: Backend.allCases)
    func everyVersionApplied(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let status = try await store.migrationStatus()
            #expect(status.map(\.version) == SchemaVersion.allCases.map(\.rawValue))
            #expect(status.map(\.name) == SchemaVersion.allCases.map(\.name))
            #expect(status.allSatisfy { $0.appliedAt != nil })
        }
    }

    @Test("an SQLite file whose ledger still numbers 6–9 as before the one list is renumbered, and only what it lacked is applied")
    func formerSQLiteNumbersAreRenumbered() async throws {
        try await Backend.sqlite.withFreshStore { (store, raw) async throws in
            // The ledger exactly as the SQLite store wrote it before there was one list: versions 1–9.
            try await raw.execute("DELETE FROM rso_schema_migrations WHERE version IN (6, 7, 9)")
            for former in SQLiteSchema.formerNumbers.reversed() {
                try await raw.execute(
                    "UPDATE rso_schema_migrations SET version = \(former.was), name = '\(former.name)' WHERE version = \(former.now.rawValue)")
            }
            // (Its later versions, from 13 on, as a file that has them.)
            #expect(try await store.migrationStatus().compactMap { $0.appliedAt == nil ? nil : $0.version }
                == Array(1...9) + SchemaVersion.allCases.map(\.rawValue).filter { $0 > 12 })

            // Renumbered, nothing it already had is run again (the triggers of 8 and 12 would already exist):
            // only the versions that hold nothing for SQLite are recorded.
            #expect(try await store.migrate().map(\.version) == [6, 7, 9])
            let status = try await store.migrationStatus()
            #expect(status.map(\.name) == SchemaVersion.allCases.map(\.name))
            #expect(status.allSatisfy { $0.appliedAt != nil })
            #expect(try await store.migrate().isEmpty)
        }
    }
}
