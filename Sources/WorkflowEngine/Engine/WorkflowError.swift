/// An error the user can act on: what was wrong, what would be accepted, and its exit code.
///
/// Messages never contain the values of personal or sensitive fields.
public struct WorkflowError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The documented outcome classes of the CLI contract; the raw value is the exit code.
    public enum Code: Int32, Sendable {
        case usage = 64
        case invalidData = 65
        case notFound = 66
        case notAllowed = 67
        case guardFailed = 68
        case forbidden = 69
        case conflict = 70
        case unavailable = 71
        /// A temporary failure worth retrying as it is: a lock or statement timeout, a deadlock, a serialization
        /// failure, a read-only server (a failover may make it writable), a connection lost mid-command.
        case temporary = 75
        /// The master key that opens personal data is missing, unreadable, malformed or not the one the data was
        /// sealed with (`RSO_MASTER_KEY_FILE`): the operator's configuration, not the request, must change.
        case configuration = 78
    }

    public let code: Code
    public let message: String
    /// One line each: unmet guards, refused fields, allowed transitions.
    public let details: [String]

    public init(_ code: Code, _ message: String, details: [String] = []) {
        self.code = code
        self.message = message
        self.details = details
    }

    public var exitCode: Int32 { code.rawValue }

    /// Whether `error` is a database driver's own (a connection failing in a way no store translated), told by the
    /// module of its type: the engine links no driver, but rsoctl and the server both report these as unreachable.
    public static func isDriverError(_ error: any Error) -> Bool {
        let type = String(reflecting: Swift.type(of: error))
        return ["PostgresNIO.", "_ConnectionPoolModule.", "NIO", "SQLiteNIO."].contains(where: type.hasPrefix)
    }

    public var description: String {
        ([message] + details.map { "  - \($0)" }).joined(separator: "\n")
    }
}
