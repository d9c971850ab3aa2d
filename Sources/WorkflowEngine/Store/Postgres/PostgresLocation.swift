import Foundation
import PostgresNIO

/// Where a PostgreSQL database is: parsed from `postgres://user:password@host:port/database`.
///
/// `?host=/path/to/socket/dir` selects a Unix socket, as libpq does.
public struct PostgresLocation: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var socketPath: String?
    public var username: String
    public var password: String?
    public var database: String

    public init(url text: String) throws(WorkflowError) {
        guard let components = URLComponents(string: text),
              components.scheme == "postgres" || components.scheme == "postgresql" else {
            throw WorkflowError(.usage, "database URL is not a postgres:// URL; accepted: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE or sqlite:PATH")
        }
        let query = components.queryItems ?? []
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        port = components.port ?? 5432
        username = components.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        password = components.password
        database = String(components.path.drop(while: { $0 == "/" }))
        if database.isEmpty { database = username }
        if let socketDirectory = query.first(where: { $0.name == "host" })?.value, socketDirectory.hasPrefix("/") {
            socketPath = "\(socketDirectory)/.s.PGSQL.\(port)"
        }
    }

    /// The same server, another database (tests give each test its own).
    public func with(database: String) -> PostgresLocation {
        var copy = self
        copy.database = database
        return copy
    }

    /// Host, port and database, never the password.
    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketPath {
            configuration = .init(unixSocketPath: socketPath, username: username, password: password, database: database)
        } else {
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: .disable)
        }
        configuration.options.connectTimeout = .seconds(5)
        // The store's statements are prepared once per connection, but by default the server keeps re-planning a
        // statement whose generic plan it estimates dearer than a custom one: that planning cost more than the write
        // itself. Every query the store sends is built to be selective through its indexes, whatever the values.
        configuration.options.additionalStartupParameters = [("plan_cache_mode", "force_generic_plan")]
        return configuration
    }

    var connectionConfiguration: PostgresConnection.Configuration {
        if let socketPath {
            return .init(unixSocketPath: socketPath, username: username, password: password, database: database)
        }
        return .init(host: host, port: port, username: username, password: password, database: database, tls: .disable)
    }
}
