import Foundation

/// What the engine must read before it decides a request: who is acting, whether the idempotency key was used,
/// and the case (or the parent of a case being opened) with what its guards compare with.
public struct ContextQuery: Sendable, Hashable {
    /// Who acts (nil: no user is read).
    public var actor: String?
    public var idempotencyKey: String?
    public var locator: CaseLocator?

    public init(actor: String? = nil, idempotencyKey: String? = nil, locator: CaseLocator? = nil) {
        self.actor = actor
        self.idempotencyKey = idempotencyKey
        self.locator = locator
    }
}

/// The answers to a `ContextQuery`, read together: one round trip on PostgreSQL.
public struct RequestContext: Sendable {
    public var user: User?
    public var earlier: IdempotentRequest?
    public var record: CaseRecord?
    /// The state of the record's parent case, if it has one.
    public var parentState: String?
    /// Who made the latest event of each transition on the record.
    public var latestActors: [String: String]

    public init(user: User?, earlier: IdempotentRequest?, record: CaseRecord?, parentState: String?, latestActors: [String: String]) {
        self.user = user
        self.earlier = earlier
        self.record = record
        self.parentState = parentState
        self.latestActors = latestActors
    }
}

extension Optional {
    package func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
