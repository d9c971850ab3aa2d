import Foundation
import Logging
import SQLiteNIO
import WorkflowEngine

/// The embedded store: one SQLite file, so `rsoctl` works on a fresh machine with no server.
///
/// Writes take the file's write lock (`BEGIN IMMEDIATE`), so several processes may share one file safely.
public final class SQLiteStore: CaseStore {
    let connection: SQLiteConnection
    let path: String
    let access = SerialAccess()

    /// One connection, no pool.
    public var connectionsInUse: Int? { nil }

    /// One file, one connection: every call already uses it.
    public func onOneConnection<T: Sendable>(_ body: (any CaseStore) async throws -> T) async throws -> T { try await body(self) }

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
            // Every connection enforces the references (SQLite's default is off): a case with history cannot go.
            _ = try await connection.query("PRAGMA foreign_keys = ON")
            guard try await connection.query("PRAGMA foreign_keys").first?.column("foreign_keys")?.integer == 1 else {
                throw WorkflowError(.unavailable, "the SQLite library in use cannot enforce foreign keys, which \(path) needs; use a build of SQLite with foreign key support")
            }
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
            _ = try await self.query(SQLiteSchema.ledger)
            for former in SQLiteSchema.formerNumbers {
                _ = try await self.query(
                    "UPDATE rso_schema_migrations SET version = ?, name = ? WHERE version = ? AND name = ?",
                    [.integer(former.now.rawValue), .text(former.now.name), .integer(former.was), .text(former.name)])
            }
            var applied: [MigrationStatus] = []
            for version in SchemaVersion.pending(applied: try await self.appliedVersions()) {
                for statement in version.statements(in: SQLiteSchema()) { _ = try await self.query(statement) }
                let now = Date()
                _ = try await self.query(
                    "INSERT INTO rso_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    [.integer(version.rawValue), .text(version.name), .integer(Int(now.microsecondsSince1970))])
                applied.append(MigrationStatus(version: version.rawValue, name: version.name, appliedAt: now))
            }
            return applied
        }
    }

    public func migrationStatus() async throws -> [MigrationStatus] {
        let done = try await access.run { try await self.appliedVersions() }
        return SchemaVersion.status(applied: done)
    }

    private func appliedVersions() async throws -> [Int: Date] {
        var done: [Int: Date] = [:]
        for row in try await query("SELECT version, applied_at FROM rso_schema_migrations") {
            let stored = StoredRow(row, table: "rso_schema_migrations", key: "version \(row.column("version")?.description ?? "?")")
            done[try stored.integer("version")] = try stored.date("applied_at")
        }
        return done
    }

    // MARK: - Users

    public func addUser(_ user: User, onlyIfFirst: Bool) async throws -> Bool {
        try await transaction {
            if onlyIfFirst, !(try await self.query("SELECT 1 FROM users LIMIT 1").isEmpty) { return false }
            _ = try await self.query(
                "INSERT INTO users (name, roles, created_at, created_by) VALUES (?, ?, ?, ?)",
                [.text(user.name), Self.roles(user.roles), .micros(user.createdAt), .optional(user.createdBy)])
            try await self.record(.addition(of: user))
            return true
        }
    }

    public func users() async throws -> [User] {
        try await access.run {
            try await self.query("SELECT * FROM users ORDER BY name").map(Self.user)
        }
    }

    func readUser(named name: String) async throws -> User? {
        try await access.run {
            try await self.query("SELECT * FROM users WHERE name = ?", [.text(name)]).first.map(Self.user)
        }
    }

    /// Under the write lock (`BEGIN IMMEDIATE`): no other change to any user runs between the checks and the write.
    public func changeUser(_ change: UserChange, from read: User) async throws {
        try await transaction {
            guard let current = try await self.query("SELECT * FROM users WHERE name = ?", [.text(change.user)]).first.map(Self.user),
                  Set(current.roles) == Set(read.roles), current.isEnabled == read.isEnabled
            else { throw StoreSignal.versionConflict }
            let changed = read.applying(change)
            _ = try await self.query(
                "UPDATE users SET roles = ?, disabled_at = ? WHERE name = ?",
                [Self.roles(changed.roles), .optional(changed.disabledAt), .text(change.user)])
            let admins = try await self.query("SELECT * FROM users WHERE disabled_at IS NULL").map(Self.user).filter { $0.holds(.admin) }
            guard !admins.isEmpty else { throw StoreSignal.noEnabledAdminLeft }
            try await self.record(change)
        }
    }

    public func userChanges(of name: String) async throws -> [UserChange] {
        try await access.run {
            try await self.query("SELECT * FROM user_changes WHERE user_name = ? ORDER BY at, id", [.text(name)]).map { row in
                let stored = StoredRow(row, table: "user_changes", key: "id \(row.column("id")?.description ?? "?")")
                return UserChange(
                    user: try stored.text("user_name"),
                    kind: try stored.decoded(UserChange.Kind.self, try stored.text("kind"), "kind"),
                    actor: try stored.optionalText("actor"), at: try stored.date("at"),
                    added: try Self.roles(stored, "roles_added"), removed: try Self.roles(stored, "roles_removed"),
                    reason: try stored.optionalText("reason"))
            }
        }
    }

    /// Appends a change to a user's log, inside the caller's transaction.
    private func record(_ change: UserChange) async throws {
        _ = try await query(
            "INSERT INTO user_changes (user_name, kind, actor, at, roles_added, roles_removed, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [.text(change.user), .text(change.kind.rawValue), .optional(change.actor), .micros(change.at),
             Self.roles(change.added), Self.roles(change.removed), .optional(change.reason)])
    }

    /// Roles as stored: comma-separated names.
    private static func roles(_ roles: [Role]) -> SQLiteData { .text(roles.map(\.rawValue).joined(separator: ",")) }

    /// Stored roles (NULL: none); a name the engine does not know is damage, never dropped.
    private static func roles(_ stored: StoredRow, _ column: String) throws -> [Role] {
        try (stored.optionalText(column) ?? "").split(separator: ",").map { try stored.decoded(Role.self, String($0), column) }
    }

    static func user(_ row: SQLiteRow) throws -> User {
        let stored = StoredRow(row, table: "users", key: "name \(row.column("name")?.string ?? "?")")
        return User(name: try stored.text("name"), roles: try roles(stored, "roles"),
                    createdAt: try stored.date("created_at"), createdBy: try stored.optionalText("created_by"),
                    disabledAt: try stored.optionalDate("disabled_at"))
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
        Self.translate(error.reason, message: error.message, path: path)
    }

    /// The store's reading of an SQLite error: the one table of what each means (exit codes as on PostgreSQL).
    ///
    /// SQLite's constraint messages name the constraint or `table.column`, never a value; other messages are not
    /// passed on.
    static func translate(_ reason: SQLiteError.Reason, message: String, path: String) -> any Error {
        switch reason {
        case .constraint, .constraintUniqueFailed, .constraintPrimaryKeyFailed, .constraintCheckFailed,
             .constraintForeignKeyFailed, .constraintNotNullFailed, .constraintTriggerFailed,
             .constraintUniqueRowIDFailed, .constraintStrictDataTypeFailed, .constraintCommitHookFailed,
             .constraintUserFunctionFailed, .constraintVirtualTableFailed, .constraintUpdateTriggerDeletedRow:
            if message.contains("idempotency_key") { return StoreSignal.idempotencyKeyTaken("") }
            if message.contains("case_version") { return StoreSignal.versionConflict }
            if message.contains("case_unique_values") { return StoreSignal.uniqueValueTaken }
            if message.contains("users.name") {
                return WorkflowError(.invalidData, "that user name is taken: choose another (rsoctl users list shows them)")
            }
            return WorkflowError(.invalidData, "the database refused the data (SQLite \(reason): \(message.prefix(200))); nothing was written: check the values given")
        case .mismatch, .range, .tooBig:
            return WorkflowError(.invalidData, "the database refused a value as of the wrong type or too big (SQLite \(reason)); nothing was written: check the values given")
        case .busy, .busyTimeout, .busyInRecovery, .busyInSnapshot, .locked, .lockedBySharedCache, .lockedVirtualTable:
            return WorkflowError(.temporary, "the SQLite database \(path) stayed locked by another process for 15 s (SQLite \(reason)); nothing was written; it was temporary: retry")
        case .interrupt, .abortByRollback:
            return WorkflowError(.temporary, "SQLite stopped the command (SQLite \(reason)) in \(path); nothing was written; it was temporary: retry")
        case .readOnly, .readonlyCantLock, .readonlyDirectory, .readonlyInRecovery, .readonlyInRollback,
             .readonlyBackingMoved, .permission, .cantOpen, .cantOpenDirectory, .cantOpenInvalidPath:
            return WorkflowError(.unavailable, "cannot write the SQLite database \(path) (SQLite \(reason)); check the file, its directory and their permissions")
        case .full:
            return WorkflowError(.unavailable, "the disk holding the SQLite database \(path) is full (SQLite \(reason)); nothing was written: free space and retry")
        case .corrupt, .corruptIndex, .corruptSequenceSchema, .corruptVirtualTable, .notADatabase:
            return WorkflowError(.unavailable, "\(path) is damaged or not an SQLite database (SQLite \(reason)); restore it from a backup")
        default:
            return WorkflowError(.unavailable, "SQLite failed in \(path) (SQLite \(reason)); nothing was written: check the file and the disk, then retry")
        }
    }
}

extension SQLiteData {
    static func micros(_ date: Date) -> SQLiteData { .integer(Int(date.microsecondsSince1970)) }
    static func optional(_ text: String?) -> SQLiteData { text.map { .text($0) } ?? .null }
    static func optional(_ date: Date?) -> SQLiteData { date.map(micros) ?? .null }
    static func uuid(_ id: UUID) -> SQLiteData { .text(id.lowercasedString) }
}

/// A stored row being read. A value that is missing or does not decode as written is damage, named by table, key and
/// column: reading never puts a plausible value (a fresh UUID, "", 0) in its place, and never quotes the stored value.
struct StoredRow {
    let row: SQLiteRow
    let table: String
    let key: String

    init(_ row: SQLiteRow, table: String, key: String) {
        self.row = row
        self.table = table
        self.key = key
    }

    func damaged(_ column: String) -> WorkflowError { .damagedRow(table: table, key: key, column: column) }

    func text(_ column: String) throws -> String {
        guard case .text(let text) = row.column(column) else { throw damaged(column) }
        return text
    }

    func optionalText(_ column: String) throws -> String? {
        switch row.column(column) {
        case .null: return nil
        case .text(let text): return text
        default: throw damaged(column)
        }
    }

    func integer(_ column: String) throws -> Int {
        guard case .integer(let number) = row.column(column) else { throw damaged(column) }
        return Int(number)
    }

    func date(_ column: String) throws -> Date { Date(microsecondsSince1970: Int64(try integer(column))) }

    func optionalDate(_ column: String) throws -> Date? {
        switch row.column(column) {
        case .null: return nil
        case .integer(let micros): return Date(microsecondsSince1970: Int64(micros))
        default: throw damaged(column)
        }
    }

    func uuid(_ column: String) throws -> UUID {
        guard let id = UUID(uuidString: try text(column)) else { throw damaged(column) }
        return id
    }

    func optionalUUID(_ column: String) throws -> UUID? {
        guard let text = try optionalText(column) else { return nil }
        guard let id = UUID(uuidString: text) else { throw damaged(column) }
        return id
    }

    /// A JSON object column (fields, outcomes).
    func json<T: Decodable>(_ type: T.Type, _ column: String) throws -> T {
        guard let value = try? JSONDecoder().decode(T.self, from: Data(try text(column).utf8)) else { throw damaged(column) }
        return value
    }

    /// A stored name of a closed set (an event kind, a role); an unknown one is damage.
    func decoded<T: RawRepresentable>(_ type: T.Type, _ raw: String, _ column: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: raw) else { throw damaged(column) }
        return value
    }
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
