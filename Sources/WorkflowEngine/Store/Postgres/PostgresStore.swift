import Foundation
import Logging
import PostgresNIO

/// The reference store: PostgreSQL through a pooled `PostgresClient`.
///
/// Every write is a single statement (data-modifying CTEs), so it is one transaction and one round trip.
public struct PostgresStore: CaseStore {
    let client: PostgresClient
    let location: PostgresLocation
    let logger: Logger

    /// Connects, runs `body` with the store, and closes the pool afterwards.
    ///
    /// Fails fast with `unavailable` (exit 71) when the server cannot be reached.
    public static func withStore<T: Sendable>(
        _ location: PostgresLocation, maximumConnections: Int = 4, logger: Logger = Logger(label: "rso.postgres"),
        _ body: @Sendable (PostgresStore) async throws -> T
    ) async throws -> T {
        // The driver logs query parameters at debug and trace: personal data must never reach a log.
        var logger = logger
        logger.logLevel = max(logger.logLevel, .error)
        try await probe(location, logger: logger)
        var configuration = location.clientConfiguration
        configuration.options.maximumConnections = maximumConnections
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let store = PostgresStore(client: client, location: location, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(store)
        }
    }

    /// One direct connection first: the pool would retry a refused connection for many seconds.
    private static func probe(_ location: PostgresLocation, logger: Logger) async throws {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: location.connectionConfiguration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw PostgresErrors.translate(error, location: location)
        }
    }

    // MARK: - Migrations

    public func migrate() async throws -> [MigrationStatus] {
        try await run {
            try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    // Several processes may migrate at once: one waits for the other.
                    try await connection.query("SELECT pg_advisory_xact_lock(7210412)", logger: logger)
                    try await connection.query(PostgresQuery(unsafeSQL: PostgresMigrations.ledger), logger: logger)
                    let done = try await appliedVersions(connection)
                    var applied: [MigrationStatus] = []
                    for migration in PostgresMigrations.all where done[migration.version] == nil {
                        for statement in migration.statements {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.query(
                            "INSERT INTO rso_schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                            logger: logger)
                        applied.append(MigrationStatus(version: migration.version, name: migration.name, appliedAt: Date()))
                    }
                    try await connection.query("COMMIT", logger: logger)
                    return applied
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }

    public func migrationStatus() async throws -> [MigrationStatus] {
        try await run {
            try await client.withConnection { connection in
                let exists = try await connection.query("SELECT to_regclass('rso_schema_migrations') IS NOT NULL", logger: logger)
                    .collect().first?.decode(Bool.self) ?? false
                let done = exists ? try await appliedVersions(connection) : [:]
                return PostgresMigrations.all.map {
                    MigrationStatus(version: $0.version, name: $0.name, appliedAt: done[$0.version])
                }
            }
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
        try await run {
            let roles = user.roles.map(\.rawValue)
            let rows = try await client.query(
                """
                INSERT INTO users (name, roles, created_at, created_by)
                SELECT \(user.name), \(roles), \(user.createdAt), \(user.createdBy)
                WHERE NOT \(onlyIfFirst) OR NOT EXISTS (SELECT 1 FROM users)
                RETURNING name
                """, logger: logger).collect()
            return !rows.isEmpty
        }
    }

    public func users() async throws -> [User] {
        try await run {
            try await client.query("SELECT name, roles, created_at, created_by FROM users ORDER BY name", logger: logger)
                .decode((String, [String], Date, String?).self)
                .all()
                .map { User(name: $0, roles: $1.compactMap(Role.init(rawValue:)), createdAt: $2, createdBy: $3) }
        }
    }

    public func user(named name: String) async throws -> User? {
        try await run {
            try await client.query("SELECT name, roles, created_at, created_by FROM users WHERE name = \(name)", logger: logger)
                .decode((String, [String], Date, String?).self)
                .all()
                .first
                .map { User(name: $0, roles: $1.compactMap(Role.init(rawValue:)), createdAt: $2, createdBy: $3) }
        }
    }

    /// Runs a database call, turning driver errors into the engine's.
    func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw PostgresErrors.translate(error, location: location)
        }
    }
}
