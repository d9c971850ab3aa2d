import Foundation
import NIOConcurrencyHelpers
import SQLiteNIO
import AVRR
import WorkflowTestSupport
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
@testable import WorkflowEngine

/// Signing in to the web pages: a password kept only as a slow hash, sessions that end when idle, old or signed out,
/// and a lockout after repeated failures.
@Suite("Signing in")
struct SignInTests {
    static let now = APITokenTests.now
    static let password = "correct horse battery"

    /// A hasher that counts its work, so that a spec can see every path hash once (the bcrypt one is specified in
    /// WorkflowServerTests; here the store and the engine's rules are under test). Salted SHA-256, never bcrypt's cost.
    final class CountingHasher: PasswordHasher {
        let checks = NIOLockedValueBox(0)

        func hash(_ password: String) async throws -> String {
            let salt = UUID().uuidString
            return salt + "$" + APIToken.hash(salt + password)
        }

        func verify(_ password: String, against hash: String?) async throws -> Bool {
            checks.withLockedValue { $0 += 1 }
            guard let hash, let dollar = hash.firstIndex(of: "$") else { return false }
            let salt = String(hash[..<dollar])
            return String(hash[hash.index(after: dollar)...]) == APIToken.hash(salt + password)
        }
    }

    /// An engine at `now`, and one `after` later, over one store: root (admin), amina (caseworker) with a password, chen
    /// (approver) without one.
    static func withPassword<T: Sendable>(
        _ backend: Backend, _ body: @Sendable (Engine, _ later: @Sendable (Duration) -> Engine, CountingHasher, RawSQL) async throws -> T
    ) async throws -> T {
        try await backend.withFreshStore { (store, raw) async throws in
            let registry = try WorkflowRegistry(modules: [AVRRModule()])
            let engine = Engine(registry: registry, store: store, sealing: .testing, clock: FixedClock(now))
            _ = try await engine.addUser("root", roles: [.admin], as: nil)
            _ = try await engine.addUser("amina", roles: [.caseworker], as: "root")
            _ = try await engine.addUser("chen", roles: [.approver], as: "root")
            let hasher = CountingHasher()
            try await engine.setPassword(for: "amina", to: password, as: "root", hasher: hasher)
            let later = { @Sendable (after: Duration) in
                Engine(registry: registry, store: store, sealing: .testing, clock: FixedClock(now.addingTimeInterval(Double(after.components.seconds))))
            }
            return try await body(engine, later, hasher, raw)
        }
    }

    static func cookie(_ outcome: SignInOutcome) -> String? {
        if case .signedIn(_, let cookie) = outcome { return cookie }
        return nil
    }

    @Test(arguments: Backend.allCases)
    func theRightPasswordStartsASessionThatActsAsItsUser(_ backend: Backend) async throws {
        try await Self.withPassword(backend) { engine, _, hasher, raw in
            let outcome = try await engine.signIn(name: "amina", password: Self.password, hasher: hasher)
            guard case .signedIn(let session, let cookie) = outcome else { Issue.record("not signed in: \(outcome)"); return }
            #expect(session.user == "amina" && session.createdAt == Self.now && session.csrf.utf8.count == 32)
            #expect(cookie.utf8.count == 43)
            let (found, user) = try #require(try await engine.session(cookie: cookie))
            #expect(found == session && user.name == "amina" && user.roles == [.caseworker])
            // Neither the password nor the cookie is stored as text.
            try await raw.refuseIfAnyRow(of: "user_passwords", contains: Self.password)
            try await raw.refuseIfAnyRow(of: "web_sessions", contains: cookie)
        }
    }

    @Test(arguments: Backend.allCases)
    func fiveWrongPasswordsInARowLockTheUserOutForAQuarterOfAnHour(_ backend: Backend) async throws {
        try await Self.withPassword(backend) { engine, later, hasher, _ in
            for attempt in 1...4 {
                let outcome = try await engine.signIn(name: "amina", password: "wrong \(attempt)", hasher: hasher)
                guard case .wrongPassword = outcome else { Issue.record("attempt \(attempt): \(outcome)"); return }
            }
            let lockedUntil = Self.now.addingTimeInterval(15 * 60)
            guard case .locked(let until) = try await engine.signIn(name: "amina", password: "wrong 5", hasher: hasher), until == lockedUntil
            else { Issue.record("the fifth failure did not lock"); return }
            // While locked even the right password is refused, without being checked.
            let checked = hasher.checks.withLockedValue { $0 }
            guard case .locked = try await later(.seconds(15 * 60 - 1)).signIn(name: "amina", password: Self.password, hasher: hasher)
            else { Issue.record("the right password passed a lock"); return }
            #expect(hasher.checks.withLockedValue { $0 } == checked)
            // After it, the right password signs in and clears the count: four more failures do not lock again.
            #expect(Self.cookie(try await later(.seconds(15 * 60)).signIn(name: "amina", password: Self.password, hasher: hasher)) != nil)
            for attempt in 1...4 {
                guard case .wrongPassword = try await later(.seconds(16 * 60)).signIn(name: "amina", password: "again \(attempt)", hasher: hasher)
                else { Issue.record("locked again after \(attempt)"); return }
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func anUnknownNameOrAUserWithoutPasswordIsAWrongPasswordAfterTheSameWork(_ backend: Backend) async throws {
        try await Self.withPassword(backend) { engine, _, hasher, _ in
            for name in ["nobody", "chen", "", String(repeating: "n", count: 10_000), "amina\u{0}", "AMINA"] {
                let before = hasher.checks.withLockedValue { $0 }
                let outcome = try await engine.signIn(name: name, password: Self.password, hasher: hasher)
                guard case .wrongPassword = outcome else { Issue.record("\(name.prefix(20)): \(outcome)"); return }
                #expect(hasher.checks.withLockedValue { $0 } == before + 1, "\(name.prefix(20)) was answered without the work of a check")
            }
            // Failures under a name that has no password lock nothing (there is nothing to lock).
            for _ in 1...6 { _ = try await engine.signIn(name: "chen", password: "x", hasher: hasher) }
            try await engine.setPassword(for: "chen", to: "chen's own passphrase", as: "chen", hasher: hasher)
            #expect(Self.cookie(try await engine.signIn(name: "chen", password: "chen's own passphrase", hasher: hasher)) != nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func aSessionEndsWhenIdleForHalfAnHourAfterTwelveHoursOrWhenSignedOut(_ backend: Backend) async throws {
        try await Self.withPassword(backend) { engine, later, hasher, _ in
            let cookie = try #require(Self.cookie(try await engine.signIn(name: "amina", password: Self.password, hasher: hasher)))
            // Used every 29 minutes it lives on; each use counts from then.
            var minutes = 0
            while minutes + 29 < 12 * 60 {
                minutes += 29
                #expect(try await later(.seconds(minutes * 60)).session(cookie: cookie) != nil, "at \(minutes) minutes")
            }
            #expect(try await later(.seconds(12 * 3600)).session(cookie: cookie) == nil, "alive after twelve hours")
            let idle = try #require(Self.cookie(try await engine.signIn(name: "amina", password: Self.password, hasher: hasher)))
            #expect(try await later(.seconds(30 * 60)).session(cookie: idle) == nil, "alive after half an hour unused")
            let ended = try #require(Self.cookie(try await engine.signIn(name: "amina", password: Self.password, hasher: hasher)))
            #expect(try await engine.endSession(cookie: ended))
            #expect(try await engine.session(cookie: ended) == nil)
            #expect(try await !engine.endSession(cookie: ended))
            for forged in ["", ended + "A", String(ended.dropLast()) + "A", APIToken.hash(ended), String(repeating: "A", count: 43)] {
                #expect(try await engine.session(cookie: forged) == nil)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func aPasswordIsTwelveTo72BytesWithoutControlsSetByAnAdminOrItsUser(_ backend: Backend) async throws {
        try await Self.withPassword(backend) { engine, _, hasher, _ in
            let refusals: [(String, WorkflowError.Code)] = [
                ("elevenchars", .invalidData), (String(repeating: "é", count: 37), .invalidData), ("twelve chars\n", .invalidData),
                ("tab\tinside password", .invalidData), (String(repeating: "x", count: 1_000_000), .invalidData),
            ]
            for (password, code) in refusals {
                #expect(await APITokenTests.code { try await engine.setPassword(for: "amina", to: password, as: "root", hasher: hasher) } == code)
            }
            #expect(await APITokenTests.code { try await engine.setPassword(for: "chen", to: Self.password, as: "amina", hasher: hasher) } == .forbidden)
            #expect(await APITokenTests.code { try await engine.setPassword(for: "nobody", to: Self.password, as: "root", hasher: hasher) } == .notFound)
            try await engine.setPassword(for: "amina", to: String(repeating: "é", count: 36), as: "amina", hasher: hasher)
            // The old password no longer signs in; a refused change wrote nothing.
            guard case .wrongPassword = try await engine.signIn(name: "amina", password: Self.password, hasher: hasher) else {
                Issue.record("the old password still signs in"); return
            }
            #expect(Self.cookie(try await engine.signIn(name: "amina", password: String(repeating: "é", count: 36), hasher: hasher)) != nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func aDisabledUserIsToldSoOnlyAfterTheRightPassword(_ backend: Backend) async throws {
        try await Self.withPassword(backend) { engine, _, hasher, _ in
            let cookie = try #require(Self.cookie(try await engine.signIn(name: "amina", password: Self.password, hasher: hasher)))
            _ = try await engine.disableUser("amina", reason: "left the programme", as: "root")
            guard case .wrongPassword = try await engine.signIn(name: "amina", password: "wrong", hasher: hasher) else {
                Issue.record("a wrong password was told apart"); return
            }
            guard case .disabled(let user) = try await engine.signIn(name: "amina", password: Self.password, hasher: hasher), !user.isEnabled else {
                Issue.record("a disabled user signed in"); return
            }
            // A session begun before still names its user, now disabled: every page then refuses them.
            let (_, sessionUser) = try #require(try await engine.session(cookie: cookie))
            #expect(!sessionUser.isEnabled)
        }
    }
}

extension RawSQL {
    /// Fails when no row of `table` exists, or when one holds `text` in any column.
    func refuseIfAnyRow(of table: String, contains text: String) async throws {
        switch self {
        case .sqlite(let store):
            let rows = try await store.connection.query("SELECT * FROM \(table)")
            #expect(!rows.isEmpty)
            let holding = rows.filter { row in row.columns.contains { $0.data.string?.contains(text) == true } }
            #expect(holding.isEmpty)
        case .postgres:
            try await execute("""
                DO $$ BEGIN
                  IF EXISTS (SELECT 1 FROM \(table) t WHERE t::text LIKE '%\(text)%') THEN RAISE EXCEPTION 'a secret is stored as text'; END IF;
                  IF NOT EXISTS (SELECT 1 FROM \(table)) THEN RAISE EXCEPTION 'no row stored'; END IF;
                END $$
                """)
        }
    }
}
