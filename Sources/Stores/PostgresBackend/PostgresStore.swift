import Foundation
import Logging
import PostgresNIO
import Synchronization
import WorkflowEngine

/// The reference store: PostgreSQL through a pooled `PostgresClient`.
///
/// Every write is a single statement (data-modifying CTEs), so it is one transaction and one round trip.
public struct PostgresStore: CaseStore {
    let client: PostgresClient
    let location: PostgresLocation
    let logger: Logger
    /// Connections leased from the pool now: PostgresNIO does not say.
    let leases = LeaseCount()
    /// The connection every call of this copy uses (`onOneConnection`); nil: each call leases one of its own.
    private var pinned: PostgresConnection?

    public var connectionsInUse: Int? { leases.current }

    /// Connects, runs `body` with the store, and closes the pool afterwards.
    ///
    /// Fails fast with `unavailable` (exit 71) when the server cannot be reached within the connect timeout.
    ///
    /// `steadyConnections` (a long-running server): the pool opens all `maximumConnections` and keeps them, with no
    /// keep-alive pings. Otherwise (a command) it opens them as needed and closes idle ones. Why a server needs it:
    /// PostgresNIO's pool starts two timers each time a connection goes idle and cancels them at the next lease, and
    /// Swift holds about 740 bytes per cancelled timer until its deadline, so a busy server would hold about 1.5 KB
    /// per query for a minute (docs/postgresnio-memory.md). A dead connection is then noticed when next used (503).
    public static func withStore<T: Sendable>(
        _ location: PostgresLocation, maximumConnections: Int = 4, steadyConnections: Bool = false,
        logger: Logger = Logger(label: "rso.postgres"), _ body: @Sendable (PostgresStore) async throws -> T
    ) async throws -> T {
        // The driver logs query parameters at debug and trace: personal data must never reach a log.
        var logger = logger
        logger.logLevel = max(logger.logLevel, .error)
        try await probe(location, logger: logger)
        var configuration = location.clientConfiguration
        configuration.options.maximumConnections = maximumConnections
        if steadyConnections {
            configuration.options.minimumConnections = maximumConnections
            configuration.options.keepAliveBehavior = nil
        }
        let client = PostgresClient(configuration: configuration, eventLoopGroup: SpreadEventLoops(), backgroundLogger: logger)
        let store = PostgresStore(client: client, location: location, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(store)
        }
    }

    /// One direct connection first: the pool would retry a refused connection for a minute.
    private static func probe(_ location: PostgresLocation, logger: Logger) async throws {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: location.connectionConfiguration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw PostgresErrors.translate(error, location: location, connecting: true)
        }
    }

    // MARK: - Migrations

    public func migrate() async throws -> [MigrationStatus] {
        try await run { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                // A migration may rewrite every row and wait for another process's migration: the session's
                // lock and statement timeouts do not apply to it (rsoctl's command deadline and a signal still do).
                try await connection.query("SET LOCAL statement_timeout = 0", logger: logger)
                try await connection.query("SET LOCAL lock_timeout = 0", logger: logger)
                // Several processes may migrate at once: one waits for the other.
                // Read to the end: an error (a cancel, a signal) comes after the row description, with the rows.
                _ = try await connection.query("SELECT pg_advisory_xact_lock(7210412)", logger: logger).collect()
                try await connection.query(PostgresQuery(unsafeSQL: PostgresSchema.ledger), logger: logger)
                var applied: [MigrationStatus] = []
                for version in SchemaVersion.pending(applied: try await appliedVersions(connection)) {
                    for statement in version.statements(in: PostgresSchema()) {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO rso_schema_migrations (version, name) VALUES (\(version.rawValue), \(version.name))",
                        logger: logger)
                    applied.append(MigrationStatus(version: version.rawValue, name: version.name, appliedAt: Date()))
                }
                try await connection.query("COMMIT", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    public func migrationStatus() async throws -> [MigrationStatus] {
        try await run { connection in
            let exists = try await connection.query("SELECT to_regclass('rso_schema_migrations') IS NOT NULL", logger: logger)
                .collect().first?.decode(Bool.self) ?? false
            let done = exists ? try await appliedVersions(connection) : [:]
            return SchemaVersion.status(applied: done)
        }
    }

    private func appliedVersions(_ connection: PostgresConnection) async throws -> [Int: Date] {
        var done: [Int: Date] = [:]
        for try await (version, at) in try await connection.query(
            "SELECT version, applied_at FROM rso_schema_migrations", logger: logger
        ).decode((Int, Date).self) {
            done[version] = at
        }
        return done
    }

    // MARK: - Users

    public func addUser(_ user: User, onlyIfFirst: Bool) async throws -> Bool {
        try await run { connection in
            let roles = user.roles.map(\.rawValue), change = UserChange.addition(of: user)
            // One statement: the user and the record of its addition land together or not at all.
            let rows = try await connection.query(
                """
                WITH added AS (
                    INSERT INTO users (name, roles, created_at, created_by)
                    SELECT \(user.name), \(roles), \(user.createdAt), \(user.createdBy)
                    WHERE NOT \(onlyIfFirst) OR NOT EXISTS (SELECT 1 FROM users)
                    RETURNING name)
                INSERT INTO user_changes (user_name, kind, actor, at, roles_added, roles_removed, reason)
                SELECT name, \(change.kind.rawValue), \(change.actor), \(change.at), \(roles), '{}', NULL FROM added
                RETURNING user_name
                """, logger: logger).collect()
            return !rows.isEmpty
        }
    }

    public func users() async throws -> [User] {
        try await run { connection in
            try await connection.query("SELECT name, roles, created_at, created_by, disabled_at FROM users ORDER BY name", logger: logger)
                .decode((String, [String], PostgresInstant, String?, PostgresInstant?).self)
                .all()
                .map { try Self.user(name: $0, roles: $1, createdAt: $2.date, createdBy: $3, disabledAt: $4?.date) }
        }
    }

    /// The enabled admins are locked first, so that two changes running at once cannot each leave the other's admin
    /// as the last one and both commit (the second waits, then sees the first's change).
    public func changeUser(_ change: UserChange, from read: User) async throws {
        let changed = read.applying(change)
        let before = read.roles.map(\.rawValue), after = changed.roles.map(\.rawValue)
        try await run { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                _ = try await connection.query(
                    "SELECT name FROM users WHERE disabled_at IS NULL AND 'admin' = ANY (roles) ORDER BY name FOR UPDATE",
                    logger: logger).collect()
                let updated = try await connection.query(
                    """
                    UPDATE users SET roles = \(after), disabled_at = \(changed.disabledAt)
                    WHERE name = \(change.user) AND roles @> \(before) AND roles <@ \(before)
                      AND (disabled_at IS NULL) = \(read.isEnabled)
                    RETURNING name
                    """, logger: logger).collect()
                guard !updated.isEmpty else { throw StoreSignal.versionConflict }
                let admins = try await connection.query(
                    "SELECT count(*) FROM users WHERE disabled_at IS NULL AND 'admin' = ANY (roles)", logger: logger)
                    .decode(Int.self).all()
                guard admins.first ?? 0 > 0 else { throw StoreSignal.noEnabledAdminLeft }
                try await connection.query(
                    """
                    INSERT INTO user_changes (user_name, kind, actor, at, roles_added, roles_removed, reason)
                    VALUES (\(change.user), \(change.kind.rawValue), \(change.actor), \(change.at),
                            \(change.added.map(\.rawValue)), \(change.removed.map(\.rawValue)), \(change.reason))
                    """, logger: logger)
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    public func userChanges(of name: String) async throws -> [UserChange] {
        try await run { connection in
            var changes: [UserChange] = []
            for try await row in try await connection.query(
                """
                SELECT id, kind, actor, at, roles_added, roles_removed, reason FROM user_changes
                WHERE user_name = \(name) ORDER BY at, id
                """, logger: logger) {
                let cell = Array(row)
                let c = StoredCells(cell, table: "user_changes", key: "id \((try? cell[0].decode(Int64.self)).map(String.init) ?? "?")")
                func roles(_ index: Int) throws -> [Role] {
                    try (try c.value(index, as: [String]?.self) ?? []).map { try c.decoded(Role.self, $0, column: index) }
                }
                changes.append(UserChange(
                    user: name, kind: try c.decoded(UserChange.Kind.self, try c.value(1, as: String.self), column: 1),
                    actor: try c.value(2, as: String?.self), at: try c.instant(3), added: try roles(4), removed: try roles(5),
                    reason: try c.value(6, as: String?.self)))
            }
            return changes
        }
    }

    /// A stored user; a role the engine does not know is damage, never dropped.
    static func user(name: String, roles: [String], createdAt: Date, createdBy: String?, disabledAt: Date?) throws -> User {
        let known = roles.compactMap(Role.init(rawValue:))
        guard known.count == roles.count else { throw WorkflowError.damagedRow(table: "users", key: "name \(name)", column: "roles") }
        return User(name: name, roles: known, createdAt: createdAt, createdBy: createdBy, disabledAt: disabledAt)
    }

    /// Runs a database call on one pooled connection, turning driver errors into the engine's. A call whose
    /// connection closes without an answer ends with the lost connection (see `PostgresConnection.answering`).
    func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            if let pinned { return try await pinned.answering { try await body(pinned) } }
            return try await client.withConnection { [leases] connection in
                leases.add(1)
                defer { leases.add(-1) }
                return try await connection.answering { try await body(connection) }
            }
        } catch {
            throw PostgresErrors.translate(error, location: location)
        }
    }
}

extension PostgresStore {
    /// Leases one connection for every call `body` makes: a request that reads, then writes, waits for the pool once.
    public func onOneConnection<T: Sendable>(_ body: (any CaseStore) async throws -> T) async throws -> T {
        if pinned != nil { return try await body(self) }
        var bodyFailed = false
        do {
            return try await client.withConnection { [leases] connection in
                leases.add(1)
                defer { leases.add(-1) }
                var store = self
                store.pinned = connection
                do {
                    return try await body(store)
                } catch {
                    bodyFailed = true
                    throw error
                }
            }
        } catch {
            // The body's errors are already the engine's; only the pool's own need translating.
            if bodyFailed { throw error }
            throw PostgresErrors.translate(error, location: location)
        }
    }
}

/// A count shared by every copy of a store (the store is a value; its pool is one).
final class LeaseCount: Sendable {
    private let count = Atomic<Int>(0)
    private let leases = Atomic<Int>(0)

    var current: Int { count.load(ordering: .relaxed) }
    /// Leases taken since the store opened: how many times its callers waited for the pool.
    var taken: Int { leases.load(ordering: .relaxed) }

    func add(_ delta: Int) {
        count.add(delta, ordering: .relaxed)
        if delta > 0 { leases.add(delta, ordering: .relaxed) }
    }
}
