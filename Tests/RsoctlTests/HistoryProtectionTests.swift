import Foundation
import Testing

/// The database itself keeps the history, whatever client an operator uses: the `sqlite3` shell (foreign keys off,
/// its default) on the embedded file, psql on PostgreSQL. Every attempt fails with the database's reason, and
/// `rsoctl case history` reads the same history afterwards.
@Suite("The history survives the database's own shell")
struct HistoryProtectionTests {
    static let sqlite3 = "/usr/bin/sqlite3"

    /// A case with three events, one under an idempotency key.
    static func caseWithHistory(_ db: TestDatabase) async throws -> String {
        try await db.addStandardUsers()
        let ref = try await db.openCase()
        try await db.advance(ref, "start_counselling", ["--idempotency-key", "k-1"])
        try await db.advance(ref, "hold", ["--reason", "travel document delayed"])
        return ref
    }

    @Test("sqlite3 shell: UPDATE, DELETE, INSERT OR REPLACE of events and DELETE or re-keying of a case are refused")
    func sqliteShellCannotRewriteHistory() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.sqlite3),
                     "\(Self.sqlite3) missing: scripts/test installs it (apt package sqlite3)")
        try await TestDatabase.with(.sqlite) { db in
            let ref = try await Self.caseWithHistory(db)
            let path = String(db.url.dropFirst("sqlite:".count))
            func shell(_ sql: String) async throws -> ProcessResult {
                try await RsoctlProcess.tool(Self.sqlite3, ["-bail", path, sql], timeout: 30)
            }
            // The premise: a plain shell connection does not enforce foreign keys.
            #expect(try await shell("PRAGMA foreign_keys").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
            let refused: [(sql: String, reason: String)] = [
                ("UPDATE case_events SET actor = 'mallory'", "append-only"),
                ("DELETE FROM case_events", "append-only"),
                // Same seq: REPLACE would delete the first event without firing its DELETE trigger.
                ("""
                 INSERT OR REPLACE INTO case_events (seq, case_id, case_version, kind, actor, fields, at, recorded_at)
                 SELECT seq, case_id, case_version, 'note', 'mallory', '{}', at, recorded_at FROM case_events ORDER BY seq LIMIT 1
                 """, "append-only"),
                // Same case version under a new seq.
                ("""
                 INSERT OR REPLACE INTO case_events (case_id, case_version, kind, actor, fields, at, recorded_at)
                 SELECT case_id, case_version, 'note', 'mallory', '{}', at, recorded_at FROM case_events ORDER BY seq DESC LIMIT 1
                 """, "append-only"),
                // Same idempotency key at a new version.
                ("""
                 REPLACE INTO case_events (case_id, case_version, kind, actor, fields, at, recorded_at, idempotency_key)
                 SELECT case_id, 99, 'note', 'mallory', '{}', at, recorded_at, idempotency_key FROM case_events
                 WHERE idempotency_key = 'k-1'
                 """, "append-only"),
                ("DELETE FROM cases", "a case with history cannot be deleted"),
                ("INSERT OR REPLACE INTO cases SELECT * FROM cases", "colliding with an existing case"),
                ("UPDATE cases SET id = 'someone-else'", "a case id cannot change"),
            ]
            try await Self.expectRefused(refused, leaving: ref, in: db, through: shell)
        }
    }

    @Test("psql: UPDATE, DELETE, upsert of events, DELETE and TRUNCATE of cases are refused")
    func postgresRefusesTheSame() async throws {
        try await TestDatabase.with(.postgres) { db in
            let ref = try await Self.caseWithHistory(db)
            func psql(_ sql: String) async throws -> ProcessResult {
                try await RsoctlProcess.tool(TestDatabase.psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", db.url, "-c", sql], timeout: 30)
            }
            let refused: [(sql: String, reason: String)] = [
                ("UPDATE case_events SET actor = 'mallory'", "append-only"),
                ("DELETE FROM case_events", "append-only"),
                ("""
                 INSERT INTO case_events (case_id, case_version, kind, actor, fields, at)
                 SELECT case_id, case_version, 'note', 'mallory', '{}', at FROM case_events
                 ON CONFLICT (case_id, case_version) DO UPDATE SET actor = 'mallory'
                 """, "append-only"),
                ("DELETE FROM cases", "violates foreign key constraint"),
                ("TRUNCATE cases CASCADE", "append-only"),
            ]
            try await Self.expectRefused(refused, leaving: ref, in: db, through: psql)
        }
    }

    /// Each statement, run through an operator's client (the sqlite3 shell or psql), fails saying its reason, and
    /// neither the tables nor the case's history change.
    static func expectRefused(
        _ refused: [(sql: String, reason: String)], leaving ref: String, in db: TestDatabase,
        through client: (String) async throws -> ProcessResult
    ) async throws {
        let snapshot = "SELECT * FROM case_events ORDER BY seq; SELECT id, reference, version FROM cases ORDER BY id;"
        let before = try await client(snapshot)
        try #require(before.exitCode == 0, "\(before)")
        let history = try await db.rawHistory(ref)
        for (sql, reason) in refused {
            let result = try await client(sql)
            #expect(result.exitCode != 0, "`\(sql)` should fail: \(result)")
            #expect(result.stderr.contains(reason), "`\(sql)` should fail saying \(reason): \(result)")
        }
        #expect(try await client(snapshot).stdout == before.stdout)
        #expect(try await db.rawHistory(ref) == history)
    }
}
