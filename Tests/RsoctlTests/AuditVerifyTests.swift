import Foundation
import Testing

/// The history is chained (each event stores a hash over its content and the previous event's link) and
/// `rsoctl audit verify` recomputes the chain: a row changed or removed by someone with the table owner's rights,
/// triggers disabled, is found.
@Suite("rsoctl audit verify: the history chain")
struct AuditVerifyTests {
    /// Statements that change the history behind the engine's back, on each backend, as its owner could.
    static func tamper(_ db: TestDatabase, _ sql: String) async throws {
        switch db.backend {
        case .sqlite:
            let path = String(db.url.dropFirst("sqlite:".count))
            let result = try await RsoctlProcess.tool(HistoryProtectionTests.sqlite3, ["-bail", path, """
                DROP TRIGGER case_events_no_update; DROP TRIGGER case_events_no_delete; \(sql)
                """], timeout: 30)
            try #require(result.exitCode == 0, "\(result)")
        case .postgres:
            try await TestDatabase.psqlCommand(db.url, """
                BEGIN; ALTER TABLE case_events DISABLE TRIGGER case_events_append_only; \(sql);
                ALTER TABLE case_events ENABLE TRIGGER case_events_append_only; COMMIT;
                """)
        }
    }

    /// A case through several kinds of event, and an imported one.
    static func history(_ db: TestDatabase) async throws -> String {
        try await db.addStandardUsers()
        let reference = try await db.openCase()
        try await db.advance(reference, "start_counselling", ["--idempotency-key", "k-1"])
        try await db.succeed(["case", "update", reference, "--field", "host_country=MYS", "--reason", "moved", "--actor", "amina"])
        try await db.advance(reference, "hold", ["--reason", "travel document delayed"])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rso-chain-\(UUID().uuidString).csv").path
        try Data("full_name,host_country,category\nA Person,THA,other\nB Person,IDN,other\n".utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        try await db.succeed(["import", "avrr", file, "--actor", "amina"])
        return reference
    }

    @Test("an untouched history holds: every event is chained, on both backends", arguments: Backend.allCases)
    func untouchedHistoryHolds(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let reference = try await Self.history(db)
            let all = try await db.json(["audit", "verify", "--actor", "root", "--format", "json"])
            #expect(all["holds"] as? Bool == true && all["cases"] as? Int == 3, "\(all)")
            // Four events on the case, one on each imported case.
            #expect(all["chainedEvents"] as? Int == 6 && all["unchainedEvents"] as? Int == 0, "\(all)")
            #expect(all.keys.contains("broken") && all["broken"] is NSNull, "\(all)")
            let one = try await db.json(["audit", "verify", reference, "--actor", "root", "--format", "json"])
            #expect(one["cases"] as? Int == 1 && one["chainedEvents"] as? Int == 4, "\(one)")
        }
    }

    @Test("an event's content changed behind the engine is 65 naming the case and the event", arguments: Backend.allCases)
    func changedEventIsFound(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let reference = try await Self.history(db)
            try await Self.tamper(db, "UPDATE case_events SET reason = 'nothing happened' WHERE reason = 'travel document delayed'")
            let result = try await db.rsoctl(["audit", "verify", "--workflow", "avrr", "--actor", "root"])
            #expect(result.exitCode == 65, "\(result)")
            #expect(result.stderr.contains("the history of \(reference) does not match its chain") && result.stderr.contains("(version 4)"), "\(result)")
            #expect(result.stderr.contains("no longer matches its link"), "\(result)")
        }
    }

    @Test("an event removed behind the engine (the last, or one in the middle) is 65", arguments: Backend.allCases)
    func removedEventIsFound(_ backend: Backend) async throws {
        for (version, reason) in [(4, "last link is not its last event's"), (2, "version 2 is missing")] {
            try await TestDatabase.with(backend) { db in
                let reference = try await Self.history(db)
                let id = try #require(try await db.show(reference)["id"] as? String)
                try await Self.tamper(db, "DELETE FROM case_events WHERE case_id = '\(id)' AND case_version = \(version)")
                let result = try await db.rsoctl(["audit", "verify", reference, "--actor", "root"])
                #expect(result.exitCode == 65 && result.stderr.contains(reason), "\(result)")
            }
        }
    }

    @Test("only an admin verifies (69)")
    func onlyAdmins() async throws {
        try await TestDatabase.with(.sqlite) { db in
            try await db.addStandardUsers()
            let result = try await db.rsoctl(["audit", "verify", "--actor", "maria"])
            #expect(result.exitCode == 69 && result.stderr.contains("only an admin may"), "\(result)")
        }
    }
}
