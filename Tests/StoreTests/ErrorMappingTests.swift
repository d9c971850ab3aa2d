import Foundation
import SQLiteNIO
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine

/// What each database error becomes: one documented exit code and a sentence that names the SQLSTATE (or SQLite
/// code), its class and what to do, and never repeats the server's own text (which may quote a value).
@Suite("Database errors map to documented exit codes")
struct ErrorMappingTests {
    static let location = try! PostgresLocation(url: "postgres://rso@db.example.org:6543/rso", environment: [:])

    static func code(_ error: any Error) -> WorkflowError.Code? { (error as? WorkflowError)?.code }

    /// SQLSTATE → exit code, with the words the message must hold.
    @Test(arguments: [
        ("55P03", WorkflowError.Code.temporary, ["SQLSTATE 55P03", "lock timeout", "5 s", "retry", "nothing was written"]),
        ("57014", .temporary, ["SQLSTATE 57014", "statement timeout", "30 s", "retry"]),
        ("40P01", .temporary, ["SQLSTATE 40P01", "deadlock", "transaction rollback", "retry"]),
        ("40001", .temporary, ["SQLSTATE 40001", "serialize", "retry"]),
        ("25006", .temporary, ["SQLSTATE 25006", "read-only", "writes go to the primary", "db.example.org:6543"]),
        ("57P01", .temporary, ["SQLSTATE 57P01", "operator intervention", "retry"]),
        ("57P02", .temporary, ["SQLSTATE 57P02", "retry"]),
        ("57P03", .temporary, ["SQLSTATE 57P03", "starting up", "retry"]),
        ("53300", .temporary, ["SQLSTATE 53300", "connection slots"]),
        ("08006", .temporary, ["SQLSTATE 08006", "connection exception", "retry"]),
        ("08P01", .unavailable, ["SQLSTATE 08P01", "startup", "options"]),
        ("23514", .invalidData, ["SQLSTATE 23514", "integrity constraint violation", "check the values"]),
        ("23503", .invalidData, ["SQLSTATE 23503", "integrity constraint violation"]),
        ("22003", .invalidData, ["SQLSTATE 22003", "data exception", "check the values"]),
        ("22021", .invalidData, ["SQLSTATE 22021", "data exception"]),
        ("22P02", .invalidData, ["SQLSTATE 22P02", "data exception"]),
        ("42P01", .unavailable, ["SQLSTATE 42P01", "rsoctl db migrate"]),
        ("3D000", .unavailable, ["SQLSTATE 3D000", "no database rso"]),
        ("28P01", .unavailable, ["SQLSTATE 28P01", "user rso"]),
        ("XX000", .unavailable, ["SQLSTATE XX000", "internal error"]),
        ("P0001", .unavailable, ["SQLSTATE P0001", "PL/pgSQL"]),
    ])
    func sqlState(_ state: String, _ expected: WorkflowError.Code, _ words: [String]) throws {
        let error = try #require(PostgresErrors.classify(sqlState: state, constraint: nil, location: Self.location) as? WorkflowError)
        #expect(error.code == expected, "\(state): \(error)")
        for word in words {
            #expect(error.message.contains(word), "\(state) should say '\(word)': \(error.message)")
        }
    }

    /// At connection start, a refused value or parameter is one of the session's settings: 71, naming them.
    @Test func refusedSettingsWhileConnecting() throws {
        for state in ["22023", "42704"] {
            let error = try #require(PostgresErrors.classify(sqlState: state, constraint: nil, location: Self.location, connecting: true) as? WorkflowError)
            #expect(error.code == .unavailable, "\(state): \(error)")
            #expect(error.message.contains("lock_timeout") && error.message.contains("PostgreSQL 14"), "\(error)")
        }
    }

    /// The constraints the engine recognises stay signals it acts on; any other names itself.
    @Test func constraintsTheEngineActsOn() throws {
        let classify = { (name: String) in PostgresErrors.classify(sqlState: "23505", constraint: name, location: Self.location) }
        #expect(classify("case_events_case_id_case_version_key") as? StoreSignal != nil)
        #expect(classify("case_unique_values_pkey") as? StoreSignal != nil)
        #expect(classify("case_events_idempotency_key_key") as? StoreSignal != nil)
        #expect(Self.code(classify("users_pkey")) == .invalidData)
        let other = try #require(classify("cases_reference_key") as? WorkflowError)
        #expect(other.code == .invalidData)
        #expect(other.message.contains("cases_reference_key") && other.message.contains("SQLSTATE 23505"))
    }

    /// SQLite's codes, the same classes as PostgreSQL's; a message that could carry a value is not repeated.
    @Test func sqlite() throws {
        let path = "/tmp/x.sqlite"
        let busy = try #require(SQLiteStore.translate(.busy, message: "database is locked", path: path) as? WorkflowError)
        #expect(busy.code == .temporary && busy.message.contains("retry") && busy.message.contains(path))
        #expect(Self.code(SQLiteStore.translate(.busyTimeout, message: "", path: path)) == .temporary)
        #expect(Self.code(SQLiteStore.translate(.locked, message: "", path: path)) == .temporary)
        #expect(Self.code(SQLiteStore.translate(.constraintCheckFailed, message: "CHECK constraint failed: version > 0", path: path)) == .invalidData)
        #expect(Self.code(SQLiteStore.translate(.constraintNotNullFailed, message: "NOT NULL constraint failed: cases.state", path: path)) == .invalidData)
        #expect(Self.code(SQLiteStore.translate(.constraintForeignKeyFailed, message: "FOREIGN KEY constraint failed", path: path)) == .invalidData)
        #expect(Self.code(SQLiteStore.translate(.mismatch, message: "datatype mismatch", path: path)) == .invalidData)
        #expect(SQLiteStore.translate(.constraintUniqueFailed, message: "UNIQUE constraint failed: case_events.case_id, case_events.case_version", path: path) as? StoreSignal != nil)
        #expect(Self.code(SQLiteStore.translate(.constraintUniqueFailed, message: "UNIQUE constraint failed: users.name", path: path)) == .invalidData)
        let other = try #require(SQLiteStore.translate(.error, message: "near \"Nur Rahman\": syntax error", path: path) as? WorkflowError)
        #expect(other.code == .unavailable)
        #expect(!other.message.contains("Nur Rahman"), "a value reached the message: \(other.message)")
        #expect(Self.code(SQLiteStore.translate(.full, message: "", path: path)) == .unavailable)
        #expect(Self.code(SQLiteStore.translate(.corrupt, message: "", path: path)) == .unavailable)
    }

    /// The limits come from the URL, else the environment, else their defaults; every session starts with them.
    @Test func timeoutsFromURLAndEnvironment() throws {
        let plain = try PostgresLocation(url: "postgres://rso@h/db", environment: [:])
        #expect(plain.connectTimeout == .seconds(10) && plain.lockTimeout == .seconds(5) && plain.statementTimeout == .seconds(30))
        #expect(plain.sessionOptions.contains("-c lock_timeout=5000"))
        #expect(plain.sessionOptions.contains("-c statement_timeout=30000"))
        #expect(plain.sessionOptions.contains("-c plan_cache_mode=force_generic_plan"))
        #expect(plain.sessionOptions.contains("-c client_connection_check_interval="))

        let environment = ["RSO_LOCK_TIMEOUT": "250ms", "RSO_STATEMENT_TIMEOUT": "2min", "RSO_CONNECT_TIMEOUT": "3"]
        let fromEnvironment = try PostgresLocation(url: "postgres://rso@h/db", environment: environment)
        #expect(fromEnvironment.lockTimeout == .milliseconds(250) && fromEnvironment.statementTimeout == .seconds(120))
        #expect(fromEnvironment.connectTimeout == .seconds(3))

        let fromURL = try PostgresLocation(url: "postgres://rso@h/db?lock_timeout=1.5&statement_timeout=0&connect_timeout=2",
                                           environment: environment)
        #expect(fromURL.lockTimeout == .milliseconds(1500) && fromURL.statementTimeout == .zero && fromURL.connectTimeout == .seconds(2))
        #expect(fromURL.sessionOptions.contains("-c statement_timeout=0"))

        for bad in ["soon", "-1", "5h", "1e9", ""] {
            #expect(throws: WorkflowError.self, "\(bad)") {
                _ = try PostgresLocation(url: "postgres://rso@h/db?lock_timeout=\(bad)", environment: [:])
            }
        }
    }
}
