import AVRR
import ArgumentParser
import Foundation
import PostgresNIO
import SQLiteNIO
import PostgresBackend
import SQLiteBackend
import StoreSelection
import WorkflowEngine

/// `rsobench transitions`: engine transitions/s and latency against raw SQL at several concurrency levels,
/// on PostgreSQL and on the embedded SQLite default; case opens/s; rsoctl process latency; peak memory.
struct TransitionsBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transitions",
        abstract: "Time transitions through the engine against the same writes as raw SQL, at 1, 4 and 16 workers.",
        discussion: """
            Applies the migrations to the database (empty or not), adds the bench users, and at each --workers level \
            drives fresh AVRR cases registered → returned through engine.advance and as raw SQL, in alternating slices. \
            Then the same on a fresh SQLite file. Prints one table on stdout (JSON with --json); progress goes to stderr.
            """)

    @Option(name: .customLong("database-url"), help: "postgres://USER@HOST:PORT/DATABASE it may write cases into.")
    var databaseURL: String

    @Option(name: .customLong("sqlite-path"), help: "The SQLite file to use (default: a fresh file in the temporary directory, removed afterwards).")
    var sqlitePath: String?

    @Flag(name: .customLong("skip-sqlite"), help: "Measure PostgreSQL only.")
    var skipSQLite = false

    @Option(help: "Seconds of driving per writer (engine, raw) and level.")
    var seconds = 20.0

    @Option(help: "Concurrency levels, comma-separated.")
    var workers = "1,4,16"

    @Option(help: "The rsoctl binary to time (default: the one beside rsobench).")
    var rsoctl: String?

    @Option(name: .customLong("rsoctl-runs"), help: "rsoctl processes per command; the median is reported.")
    var rsoctlRuns = 20

    @Flag(help: "Print the report as JSON.")
    var json = false

    var levels: [Int] { workers.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        guard seconds > 0, rsoctlRuns > 0 else { throw ValidationError("--seconds and --rsoctl-runs must be positive") }
        let parts = workers.split(separator: ",")
        guard !parts.isEmpty, levels.count == parts.count, levels.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--workers takes positive whole numbers separated by commas, e.g. 1,4,16")
        }
    }

    func run() async throws {
        let startLoad = loadAverage()
        let location = try PostgresLocation(url: databaseURL)
        _ = try await PostgresStore.withStore(location) { store in
            _ = try await store.migrate()
            try await Self.addBenchUsers(store)
        }
        let postgres = try await measurePostgres(location)
        let rsoctlTimings = try await measureRsoctl(location)
        var sqlite: BackendResult?
        if !skipSQLite { sqlite = try await measureSQLite() }
        let report = TransitionsReport(postgres: postgres, sqlite: sqlite, rsoctl: rsoctlTimings,
                                       peakRSSKiB: peakResidentKiB(), secondsPerWriter: seconds,
                                       loadAverageAtStart: startLoad)
        print(json ? try report.json() : report.table())
    }

    private func measurePostgres(_ location: PostgresLocation) async throws -> BackendResult {
        let (levels, seconds) = (levels, seconds)
        let before = loadAverage()
        var results: [LevelResult] = []
        let version = try await RawDatabase.with(location, connections: 1) { database in
            try await database.rows("SHOW server_version").first?.decode(String.self) ?? "?"
        }
        for workers in levels {
            // Both pools sized to the workers: no worker waits for a connection, none sits idle.
            let result = try await RawDatabase.with(location, connections: workers) { database in
                try await PostgresStore.withStore(location, maximumConnections: workers) { store in
                    let engine = Engine(registry: try WorkflowRegistry(modules: [AVRRModule()]), store: store, sealing: .benchmark)
                    return try await TransitionLevel(
                        engine: engine, raw: RawPostgresTransition(database: database), workers: workers, seconds: seconds,
                        label: "postgres").measure()
                }
            }
            results.append(result)
        }
        return BackendResult(server: "PostgreSQL \(version)", levels: results, loadAverage: (before, loadAverage()))
    }

    private func measureRsoctl(_ location: PostgresLocation) async throws -> RsoctlTimings? {
        guard let executable = rsoctl ?? RsoctlLatency.sibling() else {
            note("rsoctl: no binary beside rsobench and no --rsoctl: not measured")
            return nil
        }
        let (databaseURL, runs) = (databaseURL, rsoctlRuns)
        return try await PostgresStore.withStore(location, maximumConnections: 1) { store in
            let engine = Engine(registry: try WorkflowRegistry(modules: [AVRRModule()]), store: store, sealing: .benchmark)
            return try await RsoctlLatency(executable: executable, databaseURL: databaseURL, engine: engine, runs: runs).measure()
        }
    }

    private func measureSQLite() async throws -> BackendResult {
        let (levels, seconds) = (levels, seconds)
        let path = sqlitePath
            ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("rsobench-\(ProcessInfo.processInfo.processIdentifier).sqlite")
        defer {
            if sqlitePath == nil {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
        }
        let before = loadAverage()
        let (results, version) = try await SQLiteStore.withStore(path: path) { store in
            try await Self.addBenchUsers(store)
            let engine = Engine(registry: try WorkflowRegistry(modules: [AVRRModule()]), store: store, sealing: .benchmark)
            return try await RawSQLiteTransition.with(path: path) { raw in
                let version = try await raw.connection.query("SELECT sqlite_version() AS version", []).first?.column("version")?.string ?? "?"
                var results: [LevelResult] = []
                for workers in levels {
                    results.append(try await TransitionLevel(
                        engine: engine, raw: raw, workers: workers, seconds: seconds, label: "sqlite").measure())
                }
                return (results, version)
            }
        }
        return BackendResult(server: "SQLite \(version), the embedded default (file \(path))", levels: results, loadAverage: (before, loadAverage()))
    }

    /// The caseworker and approver the path needs (the metrics loader makes the same names); existing ones are kept.
    static func addBenchUsers(_ store: any CaseStore) async throws {
        for (name, role) in [("bench-cw-01", Role.caseworker), ("bench-ap-01", .approver)] {
            guard try await store.user(named: name) == nil else { continue }
            _ = try await store.addUser(User(name: name, roles: [role], createdAt: Date().storagePrecision, createdBy: nil),
                                        onlyIfFirst: false)
        }
    }
}
