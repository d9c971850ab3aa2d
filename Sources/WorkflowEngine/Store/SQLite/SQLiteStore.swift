import Foundation
import Logging
import SQLiteNIO

/// The embedded store: one SQLite file, so `rsoctl` works on a fresh machine with no server.
///
/// Writes take the file's write lock (`BEGIN IMMEDIATE`), so several processes may share one file safely.
public final class SQLiteStore: CaseStore {
    let connection: SQLiteConnection
    let path: String
    let access = SerialAccess()

    private init(connection: SQLiteConnection, path: String) {
        self.connection = connection
        self.path = path
    }

    /// Opens (creating if needed) the file, brings its schema up to date, runs `body`, and closes it.
    public static func withStore<T: Sendable>(
        path: String, logger: Logger = Logger(label: "rso.sqlite"), _ body: @Sendable (SQLiteStore) async throws -> T
    ) async throws -> T {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        } catch {
            throw WorkflowError(.unavailable, "cannot open the SQLite database \(path): \(error); check the path and its permissions")
        }
        let store = SQLiteStore(connection: connection, path: path)
        do {
            // Several rsoctl processes may write at once: wait for the lock rather than fail.
            _ = try await connection.query("PRAGMA busy_timeout = 15000")
            _ = try await connection.query("PRAGMA journal_mode = WAL")
            _ = try await connection.query("PRAGMA foreign_keys = ON")
            _ = try await store.migrate()
            let result = try await body(store)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    // MARK: - Migrations

    public func migrate() async throws -> [MigrationStatus] {
        try await transaction {
            _ = try await self.query(SQLiteMigrations.ledger)
            let done = try await self.appliedVersions()
            var applied: [MigrationStatus] = []
            for migration in SQLiteMigrations.all where done[migration.version] == nil {
                for statement in migration.statements { _ = try await self.query(statement) }
                let now = Date()
                _ = try await self.query(
                    "INSERT INTO rso_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    [.integer(migration.version), .text(migration.name), .integer(Int(now.microsecondsSince1970))])
                applied.append(MigrationStatus(version: migration.version, name: migration.name, appliedAt: now))
            }
            return applied
        }
    }

    public func migrationStatus() async throws -> [MigrationStatus] {
        let done = try await access.run { try await self.appliedVersions() }
        return SQLiteMigrations.all.map { MigrationStatus(version: $0.version, name: $0.name, appliedAt: done[$0.version]) }
    }

    private func appliedVersions() async throws -> [Int: Date] {
        var done: [Int: Date] = [:]
        for row in try await query("SELECT version, applied_at FROM rso_schema_migrations") {
            done[row.int("version")] = row.date("applied_at")
        }
        return done
    }

    // MARK: - Users

    public func addUser(_ user: User, onlyIfFirst: Bool) async throws -> Bool {
        try await transaction {
            if onlyIfFirst, !(try await self.query("SELECT 1 FROM users LIMIT 1").isEmpty) { return false }
            _ = try await self.query(
                "INSERT INTO users (name, roles, created_at, created_by) VALUES (?, ?, ?, ?)",
                [.text(user.name), .text(user.roles.map(\.rawValue).joined(separator: ",")),
                 .micros(user.createdAt), .optional(user.createdBy)])
            return true
        }
    }

    public func users() async throws -> [User] {
        try await access.run {
            try await self.query("SELECT * FROM users ORDER BY name").map(Self.user)
        }
    }

    public func user(named name: String) async throws -> User? {
        try await access.run {
            try await self.query("SELECT * FROM users WHERE name = ?", [.text(name)]).first.map(Self.user)
        }
    }

    private static func user(_ row: SQLiteRow) -> User {
        User(name: row.string("name"),
             roles: row.string("roles").split(separator: ",").compactMap { Role(rawValue: String($0)) },
             createdAt: row.date("created_at"), createdBy: row.optionalString("created_by"))
    }

    // MARK: - Plumbing

    /// One write transaction holding the file's write lock; rolled back on any error.
    func transaction<T: Sendable>(_ work: @Sendable @escaping () async throws -> T) async throws -> T {
        try await access.run {
            _ = try await self.query("BEGIN IMMEDIATE")
            do {
                let result = try await work()
                _ = try await self.query("COMMIT")
                return result
            } catch {
                _ = try? await self.query("ROLLBACK")
                throw error
            }
        }
    }

    func query(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        do {
            return try await connection.query(sql, binds)
        } catch let error as SQLiteError {
            throw translate(error)
        }
    }

    private func translate(_ error: SQLiteError) -> any Error {
        switch error.reason {
        case .constraintUniqueFailed, .constraint, .constraintPrimaryKeyFailed:
            if error.message.contains("idempotency_key") { return StoreSignal.idempotencyKeyTaken("") }
            if error.message.contains("case_version") { return StoreSignal.versionConflict }
            if error.message.contains("case_unique_values") { return StoreSignal.uniqueValueTaken }
            if error.message.contains("users.name") {
                return WorkflowError(.invalidData, "that user name is taken: choose another (rsoctl users list shows them)")
            }
            return WorkflowError(.invalidData, "refused by the database: \(error.message)")
        case .busy, .busyTimeout, .locked:
            return WorkflowError(.unavailable, "the SQLite database \(path) stayed locked by another process for 15 s; try again")
        default:
            return WorkflowError(.unavailable, "SQLite error in \(path): \(error.message)")
        }
    }
}

extension SQLiteData {
    static func micros(_ date: Date) -> SQLiteData { .integer(Int(date.microsecondsSince1970)) }
    static func optional(_ text: String?) -> SQLiteData { text.map { .text($0) } ?? .null }
    static func optional(_ date: Date?) -> SQLiteData { date.map(micros) ?? .null }
    static func uuid(_ id: UUID) -> SQLiteData { .text(id.uuidString.lowercased()) }
}

extension SQLiteRow {
    func string(_ column: String) -> String { self.column(column)?.string ?? "" }
    func optionalString(_ column: String) -> String? {
        guard let data = self.column(column), !data.isNull else { return nil }
        return data.string
    }
    func int(_ column: String) -> Int { self.column(column)?.integer.map { Int($0) } ?? 0 }
    func date(_ column: String) -> Date { Date(microsecondsSince1970: Int64(int(column))) }
    func optionalDate(_ column: String) -> Date? {
        guard let data = self.column(column), !data.isNull, let micros = data.integer else { return nil }
        return Date(microsecondsSince1970: Int64(micros))
    }
    func uuid(_ column: String) -> UUID? { optionalString(column).flatMap(UUID.init(uuidString:)) }
}
