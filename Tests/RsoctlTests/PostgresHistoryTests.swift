import Foundation
import Testing

/// PostgreSQL itself refuses to change the history, whatever client asks.
@Suite("rsoctl on PostgreSQL: the history is append-only in the database")
struct PostgresHistoryTests {
    @Test("UPDATE and DELETE on case_events through psql both fail and the history is unchanged")
    func databaseRefusesHistoryChanges() async throws {
        try await TestDatabase.with(.postgres) { db in
            try await db.addStandardUsers()
            let ref = try await db.openCase()
            try await db.advance(ref, "start_counselling")
            try await db.advance(ref, "hold", ["--reason", "travel document delayed"])
            let before = try await db.rawHistory(ref)
            #expect(try await db.events(ref).count == 3)

            for sql in ["UPDATE case_events SET actor='x'", "DELETE FROM case_events"] {
                let result = try await RsoctlProcess.tool(TestDatabase.psql, ["-X", "-q", db.url, "-c", sql])
                #expect(result.exitCode != 0, "`\(sql)` should fail: \(result)")
                #expect(!result.stderr.isEmpty, "psql explains the refusal: \(result)")
            }
            // Nothing slipped through: the same statements inside an explicit transaction fail too.
            let inTransaction = try await RsoctlProcess.tool(
                TestDatabase.psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", db.url, "-c",
                                    "BEGIN; UPDATE case_events SET reason='edited'; COMMIT;"])
            #expect(inTransaction.exitCode != 0, "\(inTransaction)")

            let after = try await db.rawHistory(ref)
            #expect(after == before)
            let events = try await db.events(ref)
            #expect(events.count == 3)
            #expect(events.allSatisfy { $0["actor"] as? String == "amina" })
        }
    }
}
