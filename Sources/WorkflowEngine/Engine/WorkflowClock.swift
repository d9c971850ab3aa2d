import Foundation

/// Where the engine gets "now": injectable so tests and demo data can set dates.
public protocol WorkflowClock: Sendable {
    func now() -> Date
}

/// The machine's clock.
public struct SystemClock: WorkflowClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock stopped at one instant.
public struct FixedClock: WorkflowClock {
    public let instant: Date
    public init(_ instant: Date) { self.instant = instant }
    public func now() -> Date { instant }
}

extension Date {
    /// Storage keeps microseconds; rounding first makes what is stored equal what was decided.
    public var storagePrecision: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1_000_000).rounded(.down) / 1_000_000)
    }

    public var microsecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1_000_000).rounded(.down)) }

    public init(microsecondsSince1970 micros: Int64) {
        self.init(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    /// `2013-06-24T09:30:00Z`, or with fractional seconds when it has them.
    public var iso8601: String {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: timeIntervalSince1970.rounded() != timeIntervalSince1970)
        return formatted(style)
    }

    /// Parses `2013-06-24T09:30:00Z`, with or without fractional seconds or an offset, or a plain date (midnight UTC).
    public init?(iso8601 text: String) {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) {
            self = date
        } else if let date = try? Date.ISO8601FormatStyle().parse(text) {
            self = date
        } else if let day = SimpleDate(text) {
            self = day.startOfDay
        } else {
            return nil
        }
    }
}
