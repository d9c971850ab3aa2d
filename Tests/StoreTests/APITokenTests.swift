import AVRR
import Foundation
import SQLiteNIO
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine
import WorkflowTestSupport

/// API tokens: issued once as text, kept only as a hash, acting as their user until they expire or are revoked.
@Suite("API tokens")
struct APITokenTests {
    static let now = Date(timeIntervalSince1970: 1_782_000_000)  // 2026-06-21

    /// An engine at `now`, one an hour and a year later, over one store: root (admin), amina (caseworker), chen (approver).
    static func withStaff<T: Sendable>(
        _ backend: Backend, _ body: @Sendable (Engine, _ later: (Duration) -> Engine, RawSQL) async throws -> T
    ) async throws -> T {
        try await backend.withFreshStore { (store, raw) async throws in
            let registry = try WorkflowRegistry(modules: [AVRRModule()])
            let engine = Engine(registry: registry, store: store, sealing: .testing, clock: FixedClock(now))
            _ = try await engine.addUser("root", roles: [.admin], as: nil)
            _ = try await engine.addUser("amina", roles: [.caseworker], as: "root")
            _ = try await engine.addUser("chen", roles: [.approver], as: "root")
            let later = { (after: Duration) in
                Engine(registry: registry, store: store, sealing: .testing, clock: FixedClock(now.addingTimeInterval(Double(after.components.seconds))))
            }
            return try await body(engine, later, raw)
        }
    }

    static func code(_ attempt: () async throws -> Void) async -> WorkflowError.Code? {
        do { try await attempt(); return nil } catch let error as WorkflowError { return error.code } catch { return .unavailable }
    }

    @Test(arguments: Backend.allCases)
    func anIssuedTokenActsAsItsUserAndIsKeptOnlyAsAHash(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { engine, _, raw in
            let issued = try await engine.issueToken(for: "amina", as: "root")
            #expect(issued.text.hasPrefix("rso_") && issued.text.utf8.count == 47)
            #expect(issued.token.user == "amina" && issued.token.createdBy == "root")
            #expect(issued.token.expiresAt == Self.now.addingTimeInterval(90 * 86_400))
            guard case .valid(let user) = try await engine.checkToken(issued.text) else { Issue.record("not valid"); return }
            #expect(user.name == "amina" && user.roles == [.caseworker])
            #expect(try await engine.tokens(of: "amina", as: "amina") == [issued.token])
            // The database holds no column with the token's text.
            try await raw.refuseIfAnyTokenRow(contains: issued.text)
        }
    }

    @Test(arguments: Backend.allCases)
    func aTokenPastItsLifetimeIsExpiredAndARevokedOneIsRevoked(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { engine, later, _ in
            let short = try await engine.issueToken(for: "amina", lifetime: .seconds(3600), as: "amina")
            let long = try await engine.issueToken(for: "amina", as: "amina")
            let amina = try #require(try await engine.users(as: nil).first { $0.name == "amina" })
            #expect(try await later(.seconds(3599)).checkToken(short.text) == .valid(amina))
            guard case .expired(let token) = try await later(.seconds(3600)).checkToken(short.text) else { Issue.record("not expired"); return }
            #expect(token.id == short.token.id)
            let revoked = try await later(.seconds(60)).revokeToken(long.token.id, as: "root")
            #expect(revoked.revokedBy == "root" && revoked.revokedAt == Self.now.addingTimeInterval(60))
            guard case .revoked = try await engine.checkToken(long.text) else { Issue.record("not revoked"); return }
            #expect(await Self.code { _ = try await engine.revokeToken(long.token.id, as: "amina") } == .notAllowed)
            let states = try await engine.tokens(of: "amina", as: "root").map { $0.state(at: Self.now.addingTimeInterval(7200)) }
            #expect(states.sorted() == ["expired", "revoked"])
        }
    }

    @Test(arguments: Backend.allCases)
    func textThatIsNoIssuedTokenIsUnknown(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { engine, _, _ in
            let issued = try await engine.issueToken(for: "chen", as: "chen")
            var random = SeededRandom(seed: 11)
            let forged = "rso_" + String((0..<43).map { _ in "abcXYZ019-_".randomElement(using: &random)! })
            let cases = ["", "rso_", forged, String(issued.text.dropLast()) + "A", issued.text + "A", " " + issued.text,
                         issued.text.uppercased(), "rso_" + String(repeating: "\u{0}", count: 43), String(repeating: "x", count: 1_000_000),
                         APIToken.hash(issued.text)]
            for text in cases where text != issued.text {
                #expect(try await engine.checkToken(text) == .unknown, "\(text.prefix(60))")
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func onlyAnAdminManagesOtherUsersTokensAndADisabledUserGetsNone(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { engine, _, _ in
            let chens = try await engine.issueToken(for: "chen", as: "chen")
            #expect(await Self.code { _ = try await engine.issueToken(for: "chen", as: "amina") } == .forbidden)
            #expect(await Self.code { _ = try await engine.tokens(of: "chen", as: "amina") } == .forbidden)
            #expect(await Self.code { _ = try await engine.revokeToken(chens.token.id, as: "amina") } == .forbidden)
            #expect(await Self.code { _ = try await engine.issueToken(for: "nobody", as: "root") } == .notFound)
            #expect(await Self.code { _ = try await engine.revokeToken("tok_000000000000", as: "root") } == .notFound)
            #expect(await Self.code { _ = try await engine.issueToken(for: "chen", lifetime: .seconds(367 * 86_400), as: "root") } == .usage)
            _ = try await engine.disableUser("chen", reason: "left the programme", as: "root")
            #expect(await Self.code { _ = try await engine.issueToken(for: "chen", as: "root") } == .forbidden)
            // A disabled user's token still names them; every request is then refused as the user is (403, 69).
            guard case .valid(let user) = try await engine.checkToken(chens.text) else { Issue.record("not found"); return }
            #expect(!user.isEnabled)
            #expect(try await engine.tokens(of: "chen", as: "root").count == 1)
        }
    }

    @Test func lifetimesAreWholeHoursOrDaysFromAnHourToAYear() throws {
        #expect(try TokenLifetime.parse("12h") == .seconds(12 * 3600))
        #expect(try TokenLifetime.parse(" 90D ") == .seconds(90 * 86_400))
        #expect(try TokenLifetime.parse("366d") == TokenLifetime.longest)
        for refused in ["0h", "367d", "8785h", "1.5d", "d", "90", "90 d", "-1d", "99999999999999999999d", "1w", ""] {
            #expect(throws: WorkflowError.self, "\(refused)") { try TokenLifetime.parse(refused) }
        }
    }
}

extension RawSQL {
    /// Fails when a row of api_tokens holds `text` in any column.
    func refuseIfAnyTokenRow(contains text: String) async throws {
        try await refuseIfAnyRow(of: "api_tokens", contains: text)
    }
}
