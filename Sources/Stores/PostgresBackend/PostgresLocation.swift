import Foundation
import PostgresNIO
import WorkflowEngine

/// Where a PostgreSQL database is: parsed from `postgres://user:password@host:port/database`.
///
/// `?host=/path/to/socket/dir` selects a Unix socket, as libpq does. Three limits keep any command from waiting for
/// ever, each from the URL's query, else the environment, else its default:
/// `connect_timeout` (`RSO_CONNECT_TIMEOUT`, 10 s), `lock_timeout` (`RSO_LOCK_TIMEOUT`, 5 s) and
/// `statement_timeout` (`RSO_STATEMENT_TIMEOUT`, 30 s). A value is seconds (`5`, `2.5`) or has a unit (`500ms`,
/// `5s`, `2min`); `0` turns the server-side limits off.
///
/// TLS follows libpq's `sslmode`, `sslrootcert`, `sslcert` and `sslkey` (`PostgresTLS`); the password, if the URL has
/// none, comes from a file or the environment (`PostgresPassword`).
public struct PostgresLocation: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var socketPath: String?
    public var username: String
    /// Never printed: `description` and every error message leave it out.
    public var password: String?
    /// Where the password came from (and a password file skipped), for the message when the server refuses it.
    var passwordSource: PostgresPassword
    public var database: String
    /// How long connecting (TCP, startup, authentication) may take.
    public var connectTimeout: Duration
    /// How long a statement may wait for a row or table lock before it fails (SQLSTATE 55P03, exit 75).
    public var lockTimeout: Duration
    /// How long one statement may run before the server cancels it (SQLSTATE 57014, exit 75).
    public var statementTimeout: Duration
    /// What the server shows for this client's sessions (`pg_stat_activity`, its log): `rsoctl` unless the URL says.
    public var applicationName: String

    public static let defaultConnectTimeout = Duration.seconds(10)
    public static let defaultLockTimeout = Duration.seconds(5)
    public static let defaultStatementTimeout = Duration.seconds(30)
    public static let defaultApplicationName = "rsoctl"

    /// The URL parameters read; any other is refused rather than silently ignored (a mistyped `sslmode` would
    /// otherwise leave the connection in plaintext without a word).
    public static let acceptedParameters = [
        "host", "connect_timeout", "lock_timeout", "statement_timeout", "sslmode", "sslrootcert", "sslcert", "sslkey",
        "application_name",
    ]

    /// Whether and how connections are encrypted (libpq's sslmode).
    let tls: PostgresTLS
    public var sslMode: SSLMode { tls.mode }

    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(WorkflowError) {
        guard let components = URLComponents(string: text),
              components.scheme == "postgres" || components.scheme == "postgresql" else {
            throw WorkflowError(.usage, "database URL is not a postgres:// URL; accepted: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE or sqlite:PATH")
        }
        let query = components.queryItems ?? []
        for item in query where !Self.acceptedParameters.contains(item.name) {
            throw WorkflowError(.usage, "the database URL's parameter '\(item.name.prefix(40))' is not known; accepted: \(Self.acceptedParameters.joined(separator: ", "))")
        }
        applicationName = try Self.applicationName(query.first(where: { $0.name == "application_name" })?.value)
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        port = components.port ?? 5432
        username = components.user ?? environment["USER"] ?? "postgres"
        database = String(components.path.drop(while: { $0 == "/" }))
        if database.isEmpty { database = username }
        let socketDirectory = query.first(where: { $0.name == "host" })?.value.flatMap { $0.hasPrefix("/") ? $0 : nil }
        if let socketDirectory { socketPath = "\(socketDirectory)/.s.PGSQL.\(port)" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        tls = try PostgresTLS(parameter: { name, variable in
            query.first(where: { $0.name == name })?.value ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }, isLoopback: Self.isLoopback(host), isSocket: socketDirectory != nil, home: home)
        passwordSource = try PostgresPassword(
            url: components.password,
            target: .init(host: host, socketDirectory: socketDirectory, port: port, database: database, username: username),
            environment: environment)
        password = passwordSource.password
        func limit(_ name: String, _ variable: String, _ fallback: Duration) throws(WorkflowError) -> Duration {
            if let value = query.first(where: { $0.name == name })?.value {
                return try Duration.setting(value, named: "\(name) in the database URL")
            }
            if let value = environment[variable], !value.isEmpty { return try Duration.setting(value, named: variable) }
            return fallback
        }
        connectTimeout = try limit("connect_timeout", "RSO_CONNECT_TIMEOUT", Self.defaultConnectTimeout)
        lockTimeout = try limit("lock_timeout", "RSO_LOCK_TIMEOUT", Self.defaultLockTimeout)
        statementTimeout = try limit("statement_timeout", "RSO_STATEMENT_TIMEOUT", Self.defaultStatementTimeout)
        if connectTimeout == .zero { connectTimeout = Self.defaultConnectTimeout }  // as libpq: 0 is no limit; we keep one
    }

    /// `localhost` and the loopback addresses: traffic to them never leaves the machine.
    static func isLoopback(_ host: String) -> Bool {
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        let ipv4Loopback = octets.count == 4 && octets.first == "127" && octets.allSatisfy { UInt8($0) != nil }
        return ipv4Loopback || ["localhost", "::1", "[::1]"].contains(host.lowercased())
    }

    /// `application_name` from the URL, else `rsoctl`: printable ASCII, at most 63 characters (the server's limit).
    static func applicationName(_ text: String?) throws(WorkflowError) -> String {
        guard let text else { return defaultApplicationName }
        guard !text.isEmpty, text.count <= 63, text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else {
            throw WorkflowError(.usage, "application_name in the database URL must be 1 to 63 printable ASCII characters")
        }
        return text
    }

    /// The same server, another database (tests give each test its own); the password found for the first is kept.
    public func with(database: String) -> PostgresLocation {
        var copy = self
        copy.database = database
        return copy
    }

    /// Host, port and database, never the password.
    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    /// Where connections go, as a person would name it: `host:port` or the socket path.
    public var endpoint: String { socketPath ?? "\(host):\(port)" }

    /// Settings every session starts with, in the startup packet's one `options` parameter (as `PGOPTIONS` would send
    /// them): no extra round trip, and a pooler that understands `options` (PgBouncer 1.20+) can pass them on.
    var sessionOptions: String {
        [
            // The store's statements are prepared once per connection, but by default the server keeps re-planning a
            // statement whose generic plan it estimates dearer than a custom one: that planning cost more than the
            // write itself. Every query the store sends is built to be selective through its indexes, whatever the values.
            "plan_cache_mode=force_generic_plan",
            // A statement blocked on a lock, or running too long, fails (and rolls back) instead of waiting for ever.
            "lock_timeout=\(lockTimeout.milliseconds)",
            "statement_timeout=\(statementTimeout.milliseconds)",
            // While a statement runs the server checks every second that the client is still there, and rolls the
            // statement back if it is gone: a killed or interrupted rsoctl never writes later (PostgreSQL 14+).
            "client_connection_check_interval=1000",
        ].map { "-c \($0)" }.joined(separator: " ")
    }

    /// Sent in the startup packet: no extra round trip.
    var startupParameters: [(String, String)] { [("options", sessionOptions), ("application_name", applicationName)] }

    var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketPath {
            configuration = .init(unixSocketPath: socketPath, username: username, password: password, database: database)
        } else {
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls.clientTLS)
        }
        configuration.options.connectTimeout = connectTimeout
        configuration.options.additionalStartupParameters = startupParameters
        return configuration
    }

    /// The same connection settings as the pool's, so that probing the server also checks that it accepts them.
    var connectionConfiguration: PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let socketPath {
            configuration = .init(unixSocketPath: socketPath, username: username, password: password, database: database)
        } else {
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls.connectionTLS)
        }
        configuration.options.connectTimeout = .milliseconds(connectTimeout.milliseconds)
        configuration.options.additionalStartupParameters = startupParameters
        return configuration
    }
}

/// `dump` and debuggers see what `description` shows: never the password.
extension PostgresLocation: CustomReflectable {
    public var customMirror: Mirror {
        Mirror(self, children: ["location": description, "sslmode": sslMode.rawValue, "password": password == nil ? "none" : "(hidden)"])
    }
}
