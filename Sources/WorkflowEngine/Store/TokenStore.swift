import Foundation

/// API tokens: only a hash of each is kept (`APIToken`).
public protocol TokenStore: Sendable {
    /// Stores a new token under the hash of its text; its user must exist.
    func addToken(_ token: APIToken, hash: String) async throws
    /// The tokens of a user, newest first.
    func tokens(of user: String) async throws -> [APIToken]
    func token(id: String) async throws -> APIToken?
    /// The token with this hash and its user, read together.
    func token(hash: String) async throws -> (APIToken, User)?
    /// Marks a token revoked; false when it is already revoked (or there is none).
    func revokeToken(id: String, at: Date, by actor: String) async throws -> Bool
}
