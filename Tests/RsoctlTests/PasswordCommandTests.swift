import Foundation
import Testing

/// `rsoctl users password` through the binary, on both backends: the password comes on standard input, never as an
/// argument; only a bcrypt hash is kept; a refusal names what is accepted and writes nothing.
@Suite("rsoctl: users password")
struct PasswordCommandTests {
    @Test("a password read from standard input is kept as a bcrypt hash; bad input is refused with its exit code", arguments: Backend.allCases)
    func aPasswordFromStandardInputIsKeptAsAHash(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let password = "amina's long passphrase"
            let set = try await db.rsoctl(["users", "password", "amina", "--actor", "root"], input: Data((password + "\r\n").utf8))
            #expect(set.exitCode == 0 && set.stderr.contains("password set for amina") && !set.stderr.contains(password), "\(set)")
            let copy = try await PersonalDataAtRestTests.copy(of: db)
            #expect(copy.contains("$2b$12$"), "no bcrypt hash in the database")
            #expect(!copy.contains(password), "the password is in a copy of the database")

            let refusals: [(Data?, Int32, String)] = [
                (nil, 64, "no password on standard input"),
                (Data("\n".utf8), 64, "no password on standard input"),
                (Data("short\n".utf8), 65, "a password is 12 to 72 bytes of UTF-8 (this one has 5)"),
                (Data((String(repeating: "x", count: 73) + "\n").utf8), 65, "(this one has 73)"),
                (Data(String(repeating: "x", count: 5_000).utf8), 65, "(this one has more than 1024)"),
                (Data([0x61, 0xff, 0xfe] + Array(repeating: 0x62, count: 12) + [0x0a]), 65, "the password is not UTF-8 text"),
                (Data("tab\tin the middle\n".utf8), 65, "may not hold control characters"),
            ]
            for (input, code, message) in refusals {
                let refused = try await db.rsoctl(["users", "password", "amina", "--actor", "root"], input: input)
                BadInputTests.expect(refused, exitCode: code, mentions: [message, "nothing was written"].filter { code == 65 || $0 != "nothing was written" })
            }
            BadInputTests.expect(try await db.rsoctl(["users", "password", "root", "--actor", "amina"], input: Data((password + "\n").utf8)),
                                 exitCode: 69, mentions: ["amina may not set other users' passwords"])
            BadInputTests.expect(try await db.rsoctl(["users", "password", "nobody", "--actor", "root"], input: Data((password + "\n").utf8)),
                                 exitCode: 66, mentions: ["no user nobody"])
        }
    }
}
