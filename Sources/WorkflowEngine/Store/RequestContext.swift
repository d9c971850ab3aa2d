import Foundation

/// What the engine must read before it decides a request: who is acting, whether the idempotency key was used,
/// and the case (or the parent of a case being opened) with what its guards compare with.
public struct ContextQuery: Sendable, Hashable {
    public var actor: String
    public var idempotencyKey: String?
    public var locator: CaseLocator?

    public init(actor: String, idempotencyKey: String? = nil, locator: CaseLocator? = nil) {
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

extension CaseStore {
    /// The reads one at a time: right for an embedded store, where a read costs no round trip.
    public func context(_ query: ContextQuery) async throws -> RequestContext {
        let user = try await user(named: query.actor)
        let earlier = try await query.idempotencyKey.asyncMap { try await idempotentRequest(key: $0) } ?? nil
        let record = try await query.locator.asyncMap { try await findCase($0) } ?? nil
        let parentState = try await record?.parentID.asyncMap { try await findCase(.id($0))?.state } ?? nil
        let latest = try await record.asyncMap { try await latestActors(of: $0.id) } ?? [:]
        return RequestContext(user: user, earlier: earlier, record: record, parentState: parentState, latestActors: latest)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
