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

    @Test("a key is one user's: another user sending the same key and values is refused, never shown the first result; an empty key is refused",
          arguments: Backend.allCases)
    func aKeyIsOneUsers(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let open = ["case", "open", "avrr", "--field", "full_name=Ana Lopes", "--field", "host_country=THA", "--field", "category=refugee",
                        "--idempotency-key", "open-1", "--format", "json"]
            try await db.succeed(open + ["--actor", "amina"])
            // maria may not open cases at all, budi may: neither gets amina's case back by guessing her key.
            for actor in ["maria", "budi"] {
                let other = try await RsoctlProcess.run(open + ["--actor", actor], databaseURL: db.url)
                #expect(other.exitCode == 65 && other.stderr.contains("idempotency key open-1 was already used for a different request (other values, or another user's)"),
                        "\(actor): \(other)")
                #expect(!other.stdout.contains("AVRR-"), "\(actor) was shown the first result")
            }
            let empty = try await RsoctlProcess.run(["case", "open", "avrr", "--field", "full_name=X", "--field", "host_country=THA", "--field", "category=refugee",
                                                     "--idempotency-key", "", "--actor", "amina"], databaseURL: db.url)
            #expect(empty.exitCode == 64 && empty.stderr.contains("the idempotency key is empty"), "\(empty)")
            let list = try await db.json(["case", "list", "--actor", "root", "--format", "json"])
            #expect((list["cases"] as? [Any])?.count == 1, "only amina's case was written")
        }
    }
}
