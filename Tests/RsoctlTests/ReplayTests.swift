import Foundation
import Testing

/// A retried keyed request prints the first result, and says on stderr that it is one.
@Suite("rsoctl: replays")
struct ReplayTests {
    @Test("a retry under a used --idempotency-key prints the case as the first request left it and says it is a replay",
          arguments: Backend.allCases)
    func aReplayShowsTheFirstResultAndSaysSo(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let ref = try await db.openCase()
            let counsel = ["case", "advance", ref, "start_counselling", "--idempotency-key", "counsel-7", "--actor", "amina",
                           "--format", "json"]
            let first = try await db.succeed(counsel)
            #expect(!first.stderr.contains("replayed"))
            // A later change moves the case on.
            try await db.succeed(["case", "update", ref, "--field", "household_ref=HH-9", "--actor", "amina"])

            let again = try await db.succeed(counsel)
            #expect(again.stderr.contains("rsoctl: replayed: idempotency key counsel-7 was already used by this request at "))
            #expect(again.stderr.contains("showing its result (\(ref) at version 2)"))
            let shown = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
            #expect(shown["version"] as? Int == 2)
            #expect(shown["state"] as? String == "counselling")
            #expect((shown["fields"] as? [String: Any])?["household_ref"] == nil)
            #expect(try await db.show(ref)["version"] as? Int == 3)
        }
    }
}
