import Testing
import WorkflowServer

/// The web pages' passwords: bcrypt through HummingbirdBcrypt, off the event loops.
@Suite("Passwords hashed with bcrypt")
struct BcryptPasswordsTests {
    /// bcrypt's lowest cost: the specs check what is kept, not how slow it is.
    let passwords = BcryptPasswords(cost: 4)

    @Test func aHashChecksItsPasswordOnlyAndIsNeverThePassword() async throws {
        let hash = try await passwords.hash("correct horse battery")
        #expect(hash.hasPrefix("$2b$04$") && hash.utf8.count == 60 && !hash.contains("correct"))
        #expect(try await passwords.verify("correct horse battery", against: hash))
        for wrong in ["correct horse batter", "correct horse battery ", "Correct horse battery", ""] {
            #expect(try await !passwords.verify(wrong, against: hash), "\(wrong)")
        }
        // Two hashes of one password differ (each has its own salt), and both check it.
        let again = try await passwords.hash("correct horse battery")
        #expect(again != hash)
        #expect(try await passwords.verify("correct horse battery", against: again))
    }

    @Test func noHashIsNeverAMatch() async throws {
        #expect(try await !passwords.verify("anything at all", against: nil))
        #expect(try await !passwords.verify("anything at all", against: "not a bcrypt hash"))
    }

    @Test func theCostIsKeptInTheHashSoAnOldHashStillChecks() async throws {
        let old = try await BcryptPasswords(cost: 5).hash("twelve bytes")
        #expect(old.hasPrefix("$2b$05$"))
        #expect(try await passwords.verify("twelve bytes", against: old))
    }
}
