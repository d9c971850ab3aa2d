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
        let given = metadata.isEmpty ? event.metadata ?? [:] : metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 })
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(given.count + 4)
        let own: KeyValuePairs<String, JSONValue> = [
            "at": .string(Date().iso8601), "level": .string(event.level.rawValue), "message": .string("\(event.message)"),
            "logger": .string(label),
        ]
        for (key, value) in own where given[key] == nil { members.append((key, value)) }
        for (key, value) in given { members.append((key, Self.plain(value))) }
        // Members sorted, as rsoctl prints JSON; the engine's writer, not JSONSerialization, which cost a fifth of a
        // busy server's CPU, most of it comparing keys through ICU.
        members.sort { $0.key < $1.key }
        var line: [UInt8] = []
        line.reserveCapacity(256)
        BulkJSON.write(members: members, into: &line)
        line.append(0x0A)
        Self.emit(line)
    }

    private static let lock = NSLock()
    private static let posix = Locale(identifier: "en_US_POSIX")

    /// The line in one write(2) when it fits the pipe (lines from threads never interleave), under a lock; FileHandle
    /// copied every line into a `Data` first. A stderr that is gone loses the line, as FileHandle did.
    private static func emit(_ line: [UInt8]) {
        lock.withLock {
            line.withUnsafeBytes { bytes in
                guard let start = bytes.baseAddress else { return }
                var offset = 0
                while offset < bytes.count {
                    let written = Foundation.write(2, start + offset, bytes.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0 && errno == EINTR {
                        continue
                    } else {
                        return
                    }
                }
            }
        }
    }

    /// Numbers stay numbers (a status, a duration), everything else is text.
    private static func plain(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .stringConvertible(let value):
            if let number = value as? Int { return .int(number) }
            if let number = value as? Tenths { return .decimal(number.decimal) }
            // A Double's shortest spelling, read back exactly (Decimal(Double) would add binary noise digits).
            if let number = value as? Double, number.isFinite, let exact = Decimal(string: number.description, locale: posix) {
                return .decimal(exact)
            }
            return .string(value.description)
        case .array(let items): return .array(items.map(plain))
        case .dictionary(let members): return .object(members.mapValues(plain))
        }
    }
}

/// A number logged with one decimal (a duration in milliseconds), kept exact without parsing its spelling back: the
/// request log writes one per request, and `Decimal(string:)` was a tenth of the log's cost.
struct Tenths: CustomStringConvertible, Sendable {
    let count: Int

    init(_ value: Double) { count = Int((value * 10).rounded()) }

    var decimal: Decimal { Decimal(sign: count < 0 ? .minus : .plus, exponent: -1, significand: Decimal(count.magnitude)) }
    var description: String { "\(decimal)" }
}
