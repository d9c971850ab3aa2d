import Foundation

/// Makes a password into what a store keeps, and checks one against it. A slow hash (bcrypt, in the server target:
/// the engine core links no such library); both calls may take a good part of a second, so they are `async` for the
/// caller to run them off its event loops.
public protocol PasswordHasher: Sendable {
    func hash(_ password: String) async throws -> String
    /// Whether `password` is the one `hash` was made of. With no hash (no such user, or no password set), it takes
    /// as long as a real check and answers false, so that a wrong name cannot be told from a wrong password.
    func verify(_ password: String, against hash: String?) async throws -> Bool
}

/// A signed-in browser: whose it is, its CSRF token, when it began and was last used. The cookie's text exists only in
/// the browser; the store keeps its SHA-256, as for API tokens.
public struct WebSession: Sendable, Hashable {
    public let user: String
    /// Every form of the session carries this; a POST without it is refused.
    public let csrf: String
    public let createdAt: Date
    public var lastSeenAt: Date
    public var endedAt: Date?

    public init(user: String, csrf: String, createdAt: Date, lastSeenAt: Date, endedAt: Date? = nil) {
        self.user = user
        self.csrf = csrf
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.endedAt = endedAt
    }
}

/// Secrets made of the system's random bytes, as base64url text (safe in a cookie, a header, a form and a shell):
/// API tokens, session cookies, CSRF tokens.
public enum SecretText {
    public static func random(bytes count: Int) -> String { Data(RandomBytes.shared.take(count)).base64URL }
}

/// The rules of signing in: how long a password is, when a session expires, when repeated failures lock a user out.
public enum SignInRules {
    /// bcrypt reads 72 bytes at most: a longer password would be checked by its start only, so it is refused.
    public static let passwordBytes = 12...72
    /// A session unused this long has ended.
    public static let idleLimit: Duration = .seconds(30 * 60)
    /// A session ends this long after sign-in, however busy.
    public static let lifetime: Duration = .seconds(12 * 3600)
    /// Failed sign-ins in a row that lock the user out, and for how long (each failure after that locks again).
    public static let failuresBeforeLock = 5
    public static let lockFor: Duration = .seconds(15 * 60)
    /// A session's last use is written at most this often (a page view is not a write each time).
    static let touchEvery: TimeInterval = 60

    /// Why a new password is refused, never quoting it; nil when it is accepted.
    public static func problem(with password: String) -> String? {
        let bytes = password.utf8.count
        if !passwordBytes.contains(bytes) {
            return "a password is \(passwordBytes.lowerBound) to \(passwordBytes.upperBound) bytes of UTF-8 (this one has \(bytes))"
        }
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "a password may not hold control characters (tabs, line breaks and the like)"
        }
        return nil
    }
}

/// How a sign-in ended.
public enum SignInOutcome: Sendable {
    /// `cookie` is the session's secret, for the browser only.
    case signedIn(WebSession, cookie: String)
    /// Unknown user, no password set, or a wrong password: deliberately not told apart.
    case wrongPassword
    case locked(until: Date)
    /// The password was right but the user is disabled.
    case disabled(User)
}

extension Engine {
    /// Sets a user's password (read from the user, never logged): an admin for anyone, any user for themself.
    public func setPassword(for name: String, to password: String, as actorName: String, hasher: some PasswordHasher) async throws {
        if let problem = SignInRules.problem(with: password) { throw WorkflowError(.invalidData, "the password is refused: \(problem); nothing was written") }
        let actor = try await resolve(actorName)
        guard actor.name == name || actor.holds(.admin) else {
            throw WorkflowError(.forbidden, "\(actor.name) may not set other users' passwords: only an admin may; anyone may for themself")
        }
        guard let user = try await store.user(named: name) else { throw WorkflowError(.notFound, "no user \(name): rsoctl users list shows the users") }
        let hash = try await hasher.hash(password)
        try await store.setPassword(hash: hash, for: user.name, at: clock.now().storagePrecision, by: actor.name)
    }

    /// Checks a user name and password, and starts a session when they are right. Every path through it hashes once,
    /// so a wrong name takes as long as a wrong password.
    public func signIn(name: String, password: String, hasher: some PasswordHasher) async throws -> SignInOutcome {
        let now = clock.now().storagePrecision
        let wellFormed = InputText.problem(name, lines: false, limit: InputLimits.shortText) == nil && !name.isEmpty
        let state = wellFormed ? try await store.signInState(of: name) : nil
        if let until = state?.lockedUntil, until > now {
            return .locked(until: until)
        }
        let right = try await hasher.verify(password, against: state?.passwordHash)
        guard state != nil, right else {
            if let state {
                try await store.recordFailedSignIn(
                    of: name, limit: SignInRules.failuresBeforeLock,
                    lockUntil: now.addingTimeInterval(Double(SignInRules.lockFor.components.seconds)))
                if state.failures + 1 >= SignInRules.failuresBeforeLock {
                    return .locked(until: now.addingTimeInterval(Double(SignInRules.lockFor.components.seconds)))
                }
            }
            return .wrongPassword
        }
        guard let user = try await store.user(named: name) else { return .wrongPassword }
        if user.disabledAt != nil { return .disabled(user) }
        let cookie = SecretText.random(bytes: 32)
        let session = WebSession(user: name, csrf: SecretText.random(bytes: 24), createdAt: now, lastSeenAt: now)
        try await store.startSession(session, hash: APIToken.hash(cookie))
        return .signedIn(session, cookie: cookie)
    }

    /// The live session a cookie names and its user (who may be disabled: the caller refuses them), or nil: unknown,
    /// ended, idle too long or too old. A live session's use is recorded now and then (`SignInRules.touchEvery`).
    public func session(cookie: String) async throws -> (WebSession, User)? {
        guard cookie.utf8.count == 43, let (session, user) = try await store.session(hash: APIToken.hash(cookie)) else { return nil }
        let now = clock.now().storagePrecision
        guard session.endedAt == nil,
              now.timeIntervalSince(session.lastSeenAt) < Double(SignInRules.idleLimit.components.seconds),
              now.timeIntervalSince(session.createdAt) < Double(SignInRules.lifetime.components.seconds)
        else { return nil }
        if now.timeIntervalSince(session.lastSeenAt) >= SignInRules.touchEvery {
            try await store.touchSession(hash: APIToken.hash(cookie), at: now)
        }
        return (session, user)
    }

    /// Ends the session a cookie names (signing out); false when it had already ended.
    @discardableResult
    public func endSession(cookie: String) async throws -> Bool {
        try await store.endSession(hash: APIToken.hash(cookie), at: clock.now().storagePrecision)
    }
}
