import Foundation
import Testing

/// `rsoctl users token|tokens|revoke` through the binary, on both backends: a token is printed once and is in no copy
/// of the database; lists never show it; a revoked one says so.
@Suite("rsoctl: users token, tokens and revoke")
struct TokenCommandTests {
    @Test("a token is printed once, is in no copy of the database, and is listed and revoked by its id", arguments: Backend.allCases)
    func aTokenIsShownOnceAndKeptAsAHash(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let issued = try await db.json(["users", "token", "amina", "--expires", "30d", "--actor", "root", "--format", "json"])
            #expect(Set(issued.keys) == ["id", "token", "expires"], "\(issued)")
            let token = try #require(issued["token"] as? String), id = try #require(issued["id"] as? String)
            #expect(token.hasPrefix("rso_") && token.count == 47 && id.hasPrefix("tok_"))

            // As text: the token alone on stdout (for a script to capture), what it is on stderr.
            let plain = try await db.succeed(["users", "token", "amina", "--actor", "amina"])
            #expect(plain.stdout.hasPrefix("rso_") && plain.stdout.count == 48, "\(plain.stdout)")
            #expect(plain.stderr.contains("shown this once"))

            let copy = try await PersonalDataAtRestTests.copy(of: db)
            #expect(!copy.isEmpty)
            for text in [token, String(plain.stdout.dropLast())] { #expect(!copy.contains(text), "a token is in the copy of the database") }

            let listed = try await db.succeed(["users", "tokens", "amina", "--actor", "amina", "--format", "json"]).stdout
            #expect(!listed.contains(token) && listed.contains(id), "\(listed)")
            let revoked = try await db.json(["users", "revoke", id, "--actor", "root", "--format", "json"])
            #expect(revoked["state"] as? String == "revoked" && revoked["revokedBy"] as? String == "root", "\(revoked)")
            BadInputTests.expect(try await db.rsoctl(["users", "revoke", id, "--actor", "root"]), exitCode: 67, mentions: ["is already revoked since 20"])
            BadInputTests.expect(try await db.rsoctl(["users", "token", "root", "--actor", "amina"]), exitCode: 69,
                                 mentions: ["amina may not issue tokens for other users"])
            BadInputTests.expect(try await db.rsoctl(["users", "token", "amina", "--expires", "2y", "--actor", "root"]), exitCode: 64,
                                 mentions: ["--expires 2y is not accepted", "from 1h to 366d"])
        }
    }
}
