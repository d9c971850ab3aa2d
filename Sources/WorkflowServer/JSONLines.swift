import Foundation
import Logging
import WorkflowEngine

/// The server's log: one JSON object per line on stderr (`at`, `level`, `message`, then the metadata), so that a log
/// collector reads it without parsing prose. What is logged never holds a field value: requests are logged by method,
/// route, status and duration.
public struct JSONLinesLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var entry: [String: Any] = ["at": Date().iso8601, "level": event.level.rawValue, "message": "\(event.message)", "logger": label]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            entry[key] = Self.plain(value)
        }
        guard var data = try? JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        data.append(0x0A)
        Self.lock.withLock { FileHandle.standardError.write(data) }
    }

    private static let lock = NSLock()

    /// Numbers stay numbers (a status, a duration), everything else is text.
    private static func plain(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let value):
            if let number = value as? Int { return number }
            if let number = value as? Double { return number }
            return value.description
        case .array(let items): return items.map(plain)
        case .dictionary(let members): return members.mapValues(plain)
        }
    }
}
