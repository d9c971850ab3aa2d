import Foundation

/// How to find a case: its UUID or its human reference.
public enum CaseLocator: Sendable, Hashable, CustomStringConvertible {
    case id(UUID)
    case reference(String)

    /// Reads `AVRR-2026-000042` (in any letter case: references are upper case, `avrr-2026-000042` is the same) or a UUID.
    public init(_ text: String) {
        if let id = UUID(uuidString: text) { self = .id(id) } else { self = .reference(text.uppercased()) }
    }

    public var description: String {
        switch self {
        case .id(let id): return id.lowercasedString
        case .reference(let reference): return reference
        }
    }
}

/// Filters for listing cases. Every filter given must match.
public struct CaseQuery: Sendable {
    public var workflow: String?
    public var state: String?
    public var parentID: UUID?
    /// Only cases whose due date has passed at this instant.
    public var overdueAt: Date?
    /// Field equals value, each value typed as its field (a list field's value is a list, matched when the case's list
    /// holds each item; `.null` matches an unset field); `Engine.list` parses what a person typed. See `StoredForm`.
    public var fieldEquals: [(String, JSONValue)]
    /// Personal field whose stored, sealed value begins with this text: the blind index of the value looked for
    /// (`CaseSealing`), set by `Engine.list` in place of an equality the sealed form cannot answer.
    public var fieldIndexed: [(String, String)] = []
    public var limit: Int
    public var order: CaseOrder = .created

    public init(workflow: String? = nil, state: String? = nil, parentID: UUID? = nil, overdueAt: Date? = nil,
                fieldEquals: [(String, JSONValue)] = [], limit: Int = 100) {
        self.workflow = workflow
        self.state = state
        self.parentID = parentID
        self.overdueAt = overdueAt
        self.fieldEquals = fieldEquals
        self.limit = limit
    }
}

/// The order of a case list.
public enum CaseOrder: Sendable {
    /// Oldest first (`case list`).
    case created
    /// Soonest due first, cases without a due date last, the oldest first among equals (a work list).
    case due
}

/// How many cases stand in one state, optionally split by a field's value.
public struct StageCount: Sendable, Hashable {
    public let state: String
    public let value: String?
    public let count: Int

    public init(state: String, value: String?, count: Int) {
        self.state = state
        self.value = value
        self.count = count
    }
}

/// A schema migration and whether it has been applied.
public struct MigrationStatus: Sendable, Hashable {
    public let version: Int
    public let name: String
    public let appliedAt: Date?

    package init(version: Int, name: String, appliedAt: Date?) {
        self.version = version
        self.name = name
        self.appliedAt = appliedAt
    }
}

/// The first event recorded under an idempotency key.
public struct IdempotentRequest: Sendable, Hashable {
    public let caseID: UUID
    public let requestHash: String

    package init(caseID: UUID, requestHash: String) {
        self.caseID = caseID
        self.requestHash = requestHash
    }
}

/// Signals a store raises for the engine to turn into user-facing errors.
public enum StoreSignal: Error, Sendable {
    /// The case is no longer at the expected version: someone else changed it first.
    case versionConflict
    /// Another request already used this idempotency key.
    case idempotencyKeyTaken(String)
    /// Another case already holds a value of a unique field.
    case uniqueValueTaken
    /// A change to a user would leave no enabled admin, so no one could manage users any more.
    case noEnabledAdminLeft
}

/// Persistence for cases, their history and users. Only stores speak SQL.
///
/// Every write is one transaction: a case row and its event are written together or not at all.
public protocol CaseStore: MetricsStore, TimerStore, BulkStore, AccessLogStore, TokenStore, SignInStore {
    /// Applies pending migrations; returns the ones applied now.
    func migrate() async throws -> [MigrationStatus]
    func migrationStatus() async throws -> [MigrationStatus]

    /// Adds a user and records its addition (`UserChange.addition`) in one transaction; a taken name is
    /// `WorkflowError.invalidData`. With `onlyIfFirst`, adds it only while no user exists and returns whether it did.
    @discardableResult
    func addUser(_ user: User, onlyIfFirst: Bool) async throws -> Bool
    func users() async throws -> [User]
    /// Applies `change` to the user as it was read (`read.applying(change)`) and records it, in one transaction.
    /// `StoreSignal.versionConflict` if the user's roles or enabled state changed since `read`;
    /// `StoreSignal.noEnabledAdminLeft` if no enabled admin would be left (checked among concurrent changes too).
    func changeUser(_ change: UserChange, from read: User) async throws
    /// Every recorded change to the user, oldest first.
    func userChanges(of name: String) async throws -> [UserChange]

    /// Inserts a case and its opened event, assigning the next reference number.
    func insert(_ new: NewCase) async throws -> CaseRecord
    /// Applies a change if the case is still at its expected version; throws `StoreSignal.versionConflict` if not.
    func apply(_ change: CaseChange) async throws -> CaseRecord

    /// Everything the engine reads before deciding a request (the one read of a case, a user or a key).
    func context(_ query: ContextQuery) async throws -> RequestContext
    func history(of caseID: UUID) async throws -> [EventRecord]
    func listCases(_ query: CaseQuery) async throws -> [CaseRecord]

    /// Runs `body` with this store, every call of which uses one connection of the pool, leased once: a request that
    /// reads and then writes waits for a connection once, not behind every other request twice. Each call is still
    /// its own transaction. A store without a pool answers itself.
    func onOneConnection<T: Sendable>(_ body: (any CaseStore) async throws -> T) async throws -> T

    /// Connections of the store's pool answering a statement at this moment (`rso_db_pool_connections_in_use`); nil
    /// for a store without a pool (SQLite).
    var connectionsInUse: Int? { get }
}

/// Single reads, each a `context` asking for one thing.
extension CaseStore {
    public func findCase(_ locator: CaseLocator) async throws -> CaseRecord? {
        try await context(ContextQuery(locator: locator)).record
    }

    public func user(named name: String) async throws -> User? {
        try await context(ContextQuery(actor: name)).user
    }

    /// Who made the latest event of each transition on the case (what four-eyes guards compare with).
    public func latestActors(of caseID: UUID) async throws -> [String: String] {
        try await context(ContextQuery(locator: .id(caseID))).latestActors
    }

    public func idempotentRequest(key: String) async throws -> IdempotentRequest? {
        try await context(ContextQuery(idempotencyKey: key)).earlier
    }

    /// The case holding a claimed unique value, if any (read when a write found the value taken: rarely).
    public func holder(of claim: UniqueClaim) async throws -> CaseRecord? {
        guard let reference = try await takenClaims([claim])[claim] else { return nil }
        return try await findCase(.reference(reference))
    }

    /// Current counts per state, split by a field's text value when `field` is given.
    public func stageCounts(workflow: String, by field: String?) async throws -> [StageCount] {
        try await stageCounts(workflow: workflow, at: nil, by: field)
    }
}

extension AsyncSequence where Self: Sendable {
    /// Every element, in order.
    package func all() async throws -> [Element] {
        var elements: [Element] = []
        for try await element in self { elements.append(element) }
        return elements
    }
}
