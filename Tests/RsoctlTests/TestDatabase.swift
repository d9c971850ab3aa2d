import Foundation
import Testing

/// The databases every end-to-end spec runs against.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// A database of a test's own, reached only through `rsoctl` (and, for PostgreSQL, psql).
///
/// SQLite: a fresh file under /tmp that rsoctl creates on first use. PostgreSQL: a fresh
/// database in the throwaway server `scripts/test` starts (`RSO_TEST_POSTGRES_URL`),
/// migrated with `rsoctl db migrate`. Both are removed when the test ends.
///
/// ```swift
/// try await TestDatabase.with(backend) { db in
///     try await db.addStandardUsers()
///     let ref = try await db.openCase()
///     let result = try await db.rsoctl("case", "show", ref, "--actor", "amina", "--format", "json")
/// }
/// ```
struct TestDatabase: Sendable {
    static let psql = "/usr/bin/psql"

    let backend: Backend
    /// The URL rsoctl gets as RSO_DATABASE_URL.
    let url: String

    /// Runs `body` with a fresh database and removes it afterwards.
    static func with<T: Sendable>(_ backend: Backend, _ body: (TestDatabase) async throws -> T) async throws -> T {
        let hex = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        switch backend {
        case .sqlite:
            let path = "/tmp/rsoctl-e2e-\(hex).sqlite"
            defer {
                for suffix in ["", "-wal", "-shm", "-journal", ".key"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            return try await body(TestDatabase(backend: .sqlite, url: "sqlite:\(path)"))
        case .postgres:
            let admin = try postgresAdminURL()
            let name = "rso_e2e_\(hex)"
            try await psqlCommand(admin, "CREATE DATABASE \(name)")
            let database = TestDatabase(backend: .postgres, url: try url(admin, database: name))
            do {
                let migrate = try await database.rsoctl("db", "migrate")
                guard migrate.exitCode == 0 else { throw RsoctlTestError("rsoctl db migrate failed: \(migrate)") }
                let result = try await body(database)
                try? await psqlCommand(admin, "DROP DATABASE \(name) WITH (FORCE)")
                return result
            } catch {
                try? await psqlCommand(admin, "DROP DATABASE \(name) WITH (FORCE)")
                throw error
            }
        }
    }

    /// The throwaway server's admin URL. Missing means the suite was not run as documented: fail, never skip.
    static func postgresAdminURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["RSO_TEST_POSTGRES_URL"], !url.isEmpty else {
            Issue.record("RSO_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts a throwaway PostgreSQL")
            throw RsoctlTestError("no test PostgreSQL (RSO_TEST_POSTGRES_URL unset)")
        }
        return url
    }

    /// The admin URL with its database name replaced.
    static func url(_ admin: String, database: String) throws -> String {
        guard var components = URLComponents(string: admin) else { throw RsoctlTestError("bad RSO_TEST_POSTGRES_URL \(admin)") }
        components.path = "/" + database
        guard let url = components.string else { throw RsoctlTestError("cannot build a URL from \(admin)") }
        return url
    }

    /// Runs one SQL statement with psql; throws when psql fails.
    static func psqlCommand(_ url: String, _ sql: String) async throws {
        // A bound, not an expectation: under the whole suite's load CREATE and DROP DATABASE (which wait for the
        // checkpointer) once took a minute.
        let result = try await RsoctlProcess.tool(psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], timeout: 180)
        guard result.exitCode == 0 else { throw RsoctlTestError("psql failed: \(result)") }
    }

    // MARK: running rsoctl on this database

    func rsoctl(_ arguments: String..., timeout: TimeInterval = RsoctlProcess.defaultTimeout) async throws -> ProcessResult {
        try await RsoctlProcess.run(arguments, databaseURL: url, timeout: timeout)
    }

    func rsoctl(_ arguments: [String], timeout: TimeInterval = RsoctlProcess.defaultTimeout, input: Data? = nil) async throws -> ProcessResult {
        try await RsoctlProcess.run(arguments, databaseURL: url, timeout: timeout, input: input)
    }

    /// Runs rsoctl and requires success; returns its stdout parsed as a JSON object.
    func json(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        let result = try await rsoctl(arguments)
        try #require(result.exitCode == 0, "\(result)", sourceLocation: sourceLocation)
        return try JSON.object(result.stdout, sourceLocation: sourceLocation)
    }

    /// Runs rsoctl and requires exit 0.
    @discardableResult
    func succeed(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> ProcessResult {
        let result = try await rsoctl(arguments)
        try #require(result.exitCode == 0, "\(result)", sourceLocation: sourceLocation)
        return result
    }

    // MARK: fixtures

    /// root (admin), amina and budi (caseworker), chen (approver), dual (caseworker and approver), maria (manager),
    /// dora (data protection: sees every value, takes no transition).
    func addStandardUsers() async throws {
        try await succeed(["users", "add", "root", "--role", "admin"])
        let staff: [(String, [String])] = [
            ("amina", ["caseworker"]), ("budi", ["caseworker"]), ("chen", ["approver"]),
            ("dual", ["caseworker", "approver"]), ("maria", ["manager"]), ("dora", ["data_protection"]),
        ]
        for (name, roles) in staff {
            try await succeed(["users", "add", name] + roles.flatMap { ["--role", $0] } + ["--actor", "root"])
        }
    }

    /// Opens an AVRR case as `actor` and returns its reference.
    func openCase(category: String = "irregular_migrant", actor: String = "amina",
                  sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let shown = try await json(["case", "open", "avrr", "--field", "full_name=Test Person", "--field", "host_country=THA",
                                    "--field", "category=\(category)", "--actor", actor, "--format", "json"],
                                   sourceLocation: sourceLocation)
        return try #require(shown["reference"] as? String, sourceLocation: sourceLocation)
    }

    /// `case advance REF TRANSITION ARGS... --format json`, required to succeed; returns the case after it.
    @discardableResult
    func advance(_ reference: String, _ transition: String, _ arguments: [String] = [], actor: String = "amina",
                 sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        try await json(["case", "advance", reference, transition] + arguments + ["--actor", actor, "--format", "json"],
                       sourceLocation: sourceLocation)
    }

    /// The fields that let an ordinary (non-refugee) case pass `submit`.
    static let submitFields = ["--field", "consent_signed_on=2026-01-05", "--field", "destination_country=IDN",
                               "--field", "travel_document=valid"]

    /// `case show REF --format json`, as dora, who sees every value.
    func show(_ reference: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        try await json(["case", "show", reference, "--actor", "dora", "--format", "json"], sourceLocation: sourceLocation)
    }

    /// `case history REF --format json`: the whole object.
    func history(_ reference: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        try await json(["case", "history", reference, "--actor", "dora", "--format", "json"], sourceLocation: sourceLocation)
    }

    /// The history's events, oldest first.
    func events(_ reference: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [[String: Any]] {
        let history = try await history(reference, sourceLocation: sourceLocation)
        return try #require(history["events"] as? [[String: Any]], "no events array in \(history)", sourceLocation: sourceLocation)
    }

    /// The history exactly as printed, to compare before and after a refused call.
    func rawHistory(_ reference: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        try await succeed(["case", "history", reference, "--actor", "dora", "--format", "json"], sourceLocation: sourceLocation).stdout
    }
}

/// Parsing rsoctl's JSON output.
enum JSON {
    static func object(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        return try #require(value as? [String: Any], "not a JSON object: \(text)", sourceLocation: sourceLocation)
    }

    /// True when `key` is present, even with a null value.
    static func has(_ object: [String: Any], _ key: String) -> Bool { object.keys.contains(key) }

    /// A string value, nil for null or absent.
    static func string(_ object: [String: Any], _ key: String) -> String? { object[key] as? String }
}
