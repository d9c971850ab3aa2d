import Foundation
import Testing

/// Retried and racing `case advance` calls, as separate rsoctl processes.
@Suite("rsoctl: retries and races")
struct IdempotencyAndConcurrencyTests {
    @Test("a retried case advance with the same --idempotency-key applies once and returns the same result",
          arguments: Backend.allCases)
    func retryAppliesOnce(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let ref = try await db.openCase()
            try await db.advance(ref, "start_counselling")
            let submit = ["case", "advance", ref, "submit", "--idempotency-key", "submit-once-1", "--actor", "amina",
                          "--format", "json"] + TestDatabase.submitFields

            let first = try await db.json(submit)
            let second = try await db.json(submit)
            #expect(first["version"] as? Int == 3)
            #expect(second["version"] as? Int == 3, "the retry returns the first result, not a new version")
            #expect(second["state"] as? String == "awaiting_approval")
            #expect(second["id"] as? String == first["id"] as? String)

            let events = try await db.events(ref)
            #expect(events.count == 3, "opened, start_counselling, one submit: \(events.map { $0["transition"] ?? "-" })")
            #expect(events.filter { $0["transition"] as? String == "submit" }.count == 1)
            let shown = try await db.show(ref)
            #expect(shown["version"] as? Int == 3)
        }
    }

    @Test("the same --idempotency-key with a different transition is refused with 65 and writes nothing",
          arguments: Backend.allCases)
    func reusedKeyForDifferentRequestIsRefused(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let ref = try await db.openCase()
            try await db.advance(ref, "start_counselling", ["--idempotency-key", "key-42"])
            try await RefusalTests.expectRefusal(
                db, of: ref,
                ["case", "advance", ref, "hold", "--reason", "medical", "--idempotency-key", "key-42",
                 "--actor", "amina", "--format", "json"],
                exitCode: 65, mentions: ["key-42"])
            let shown = try await db.show(ref)
            #expect(shown["state"] as? String == "counselling")
            #expect(shown["version"] as? Int == 2)
        }
    }

    @Test("twenty concurrent rsoctl processes advancing the same case: exactly one wins, the rest get 67 or 70",
          arguments: Backend.allCases)
    func concurrentAdvancesApplyOnce(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let ref = try await db.openCase()

            // Start all twenty before waiting for any, so they really overlap.
            let arguments = ["case", "advance", ref, "start_counselling", "--actor", "amina", "--format", "json"]
            let running = try (0..<20).map { _ in
                try RsoctlProcess.launch(arguments, databaseURL: db.url, timeout: 120)
            }
            var results: [ProcessResult] = []
            for process in running { results.append(try await process.result()) }

            let codes = results.map(\.exitCode)
            #expect(codes.filter { $0 == 0 }.count == 1, "exit codes: \(codes.sorted())")
            let losers = results.filter { $0.exitCode != 0 }
            for loser in losers {
                #expect([67, 70].contains(loser.exitCode), "\(loser)")
                #expect(loser.stdout.isEmpty, "\(loser)")
                #expect(loser.stderr.hasPrefix("rsoctl: "), "\(loser)")
            }

            let events = try await db.events(ref)
            #expect(events.filter { $0["transition"] as? String == "start_counselling" }.count == 1,
                    "history: \(events.map { $0["transition"] ?? "-" })")
            #expect(events.count == 2)
            let shown = try await db.show(ref)
            #expect(shown["state"] as? String == "counselling")
            #expect(shown["version"] as? Int == 2)
        }
    }
}
