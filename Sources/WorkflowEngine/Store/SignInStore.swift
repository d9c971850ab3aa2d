import Foundation

/// Passwords and web sessions (`Engine+SignIn`): a slow hash of each password, a SHA-256 of each session's cookie.
public protocol SignInStore: Sendable {
    /// Sets a user's password hash and clears their failed sign-ins; the user must exist.
    func setPassword(hash: String, for user: String, at: Date, by actor: String) async throws
    /// A user's password hash and failed sign-ins; nil when the user has no password.
    func signInState(of user: String) async throws -> SignInState?
    /// Counts one more failed sign-in in a row; from the `limit`th on, the user is locked until `lockUntil`.
    func recordFailedSignIn(of user: String, limit: Int, lockUntil: Date) async throws
    /// A sign-in that succeeded: failed sign-ins cleared and the session stored, in one transaction.
    func startSession(_ session: WebSession, hash: String) async throws
    /// The session with this hash and its user, read together.
    func session(hash: String) async throws -> (WebSession, User)?
    /// Records that the session was used at `at` (what idle expiry counts from).
    func touchSession(hash: String, at: Date) async throws
    /// Ends a session; false when it had already ended (or there is none).
    func endSession(hash: String, at: Date) async throws -> Bool
}

/// What a sign-in checks besides the password.
public struct SignInState: Sendable, Hashable {
    public let passwordHash: String
    /// Failed sign-ins since the last one that succeeded (or since the password was set).
    public let failures: Int
    public let lockedUntil: Date?

    public init(passwordHash: String, failures: Int, lockedUntil: Date?) {
        self.passwordHash = passwordHash
        self.failures = failures
        self.lockedUntil = lockedUntil
    }
}
