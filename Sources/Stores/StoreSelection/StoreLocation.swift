import Foundation
import Logging
import PostgresBackend
import SQLiteBackend
import WorkflowEngine

/// Which database to use: PostgreSQL by URL, or an SQLite file (the embedded default).
public enum StoreLocation: Sendable, CustomStringConvertible {
    case postgres(PostgresLocation)
    case sqlite(path: String)

    /// Reads `postgres://…`, `postgresql://…` or `sqlite:PATH`; with no URL, the embedded default file.
    public init(url: String?) throws(WorkflowError) {
        guard let url, !url.isEmpty else {
            self = .sqlite(path: StoreLocation.defaultSQLitePath)
            return
        }
        if url.hasPrefix("sqlite:") {
            var path = String(url.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else {
                throw WorkflowError(.usage, "sqlite: needs a file path, e.g. sqlite:/var/lib/rso/rso.sqlite")
            }
            self = .sqlite(path: path)
        } else {
            self = .postgres(try PostgresLocation(url: url))
        }
    }

    /// `$RSO_HOME/rso-workflow.sqlite`, else `~/.local/share/rso-workflow/rso-workflow.sqlite`.
    public static var defaultSQLitePath: String {
        let environment = ProcessInfo.processInfo.environment
        if let home = environment["RSO_HOME"], !home.isEmpty { return "\(home)/rso-workflow.sqlite" }
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "\(environment["HOME"] ?? NSHomeDirectory())/.local/share"
        return "\(base)/rso-workflow/rso-workflow.sqlite"
    }

    public var description: String {
        switch self {
        case .postgres(let location): return location.description
        case .sqlite(let path): return "sqlite:\(path)"
        }
    }

    /// Opens the store, runs `body`, and closes it.
    public func withStore<T: Sendable>(
        maximumConnections: Int = 4, steadyConnections: Bool = false, logger: Logger = Logger(label: "rso.store"),
        _ body: @Sendable (any CaseStore) async throws -> T
    ) async throws -> T {
        switch self {
        case .postgres(let location):
            return try await PostgresStore.withStore(
                location, maximumConnections: maximumConnections, steadyConnections: steadyConnections, logger: logger
            ) { try await body($0) }
        case .sqlite(let path):
            return try await SQLiteStore.withStore(path: path, logger: logger) { try await body($0) }
        }
    }
}
