import Foundation
import Logging
import PostgresNIO
import PostgresBackend
import SQLiteBackend
import StoreSelection
import WorkflowEngine

/// A pooled connection to the benchmark database for plain SQL, beside the engine's own store.
struct RawDatabase: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Connects to `location`, runs `body`, and closes the pool afterwards.
    static func with<T: Sendable>(
        _ location: PostgresLocation, connections: Int, _ body: @Sendable (RawDatabase) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "rsobench.raw")
        logger.logLevel = .error
        var configuration: PostgresClient.Configuration
        if let socketPath = location.socketPath {
            configuration = .init(unixSocketPath: socketPath, username: location.username, password: location.password,
                                  database: location.database)
        } else {
            configuration = .init(host: location.host, port: location.port, username: location.username,
                                  password: location.password, database: location.database, tls: .disable)
        }
        configuration.options.maximumConnections = connections
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(RawDatabase(client: client, logger: logger))
        }
    }

    /// Runs one statement and returns its rows.
    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await client.query(query, logger: logger).collect()
    }

    /// Runs one statement of SQL text (no parameters) and returns its rows.
    @discardableResult
    func rows(sql: String) async throws -> [PostgresRow] {
        try await rows(PostgresQuery(unsafeSQL: sql))
    }

    /// One integer from the first row.
    func integer(_ query: PostgresQuery) async throws -> Int {
        try await rows(query).first?.decode(Int.self) ?? 0
    }
}

/// Wall-clock timing of async work.
enum Stopwatch {
    static func time<T>(_ work: () async throws -> T) async rethrows -> (T, milliseconds: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let value = try await work()
        return (value, (clock.now - start).milliseconds)
    }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }
}

/// Median and minimum of repeated timings.
struct Timings: Sendable, Codable, Hashable {
    var samples: [Double] = []

    var median: Double {
        guard !samples.isEmpty else { return .nan }
        let sorted = samples.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    var minimum: Double { samples.min() ?? .nan }
}
