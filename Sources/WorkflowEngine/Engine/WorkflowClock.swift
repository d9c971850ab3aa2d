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
        Date(microsecondsSince1970: microsecondsSince1970)
    }

    /// Whole microseconds, to the nearest: a `Date` made from microseconds may sit a hair below them (a `Double` near
    /// 2026 holds a quarter of a microsecond), so rounding down could lose one; both stores count instants this way.
    public var microsecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1_000_000).rounded()) }

    public init(microsecondsSince1970 micros: Int64) {
        self.init(timeIntervalSince1970: Double(micros) / 1_000_000)
    }

    /// The UTC calendar day of this instant's whole microsecond, its time of day in microseconds, without `Calendar`
    /// (an import asks once per row for the reference year, and the PostgreSQL store's COPY three times per case).
    package var utcDay: (year: Int64, month: Int64, day: Int64, microsecondOfDay: Int64) {
        let micros = microsecondsSince1970
        let perDay: Int64 = 86_400_000_000
        let days = micros >= 0 ? micros / perDay : (micros - perDay + 1) / perDay
        let (year, month, day) = Self.civil(fromDays: days)
        return (year, month, day, micros - days * perDay)
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`).
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPart = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPart + 2) / 5 + 1
        let month = monthPart < 10 ? monthPart + 3 : monthPart - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `2013-06-24T09:30:00Z`, or with fractional seconds when it has them.
    public var iso8601: String {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: timeIntervalSince1970.rounded() != timeIntervalSince1970)
        return formatted(style)
    }

    /// Parses `2013-06-24T09:30:00Z`, with or without fractional seconds or an offset, or a plain date (midnight UTC),
    /// within the accepted years (`InputLimits.years`); `Date.acceptedRange` tells the two refusals apart.
    public init?(iso8601 text: String) {
        guard let date = Date(unboundedISO8601: text), Date.acceptedRange.contains(date) else { return nil }
        self = date
    }

    /// Any well-formed ISO 8601 time or date, whatever its year.
    public init?(unboundedISO8601 text: String) {
        // Bounded before parsing: a 100 MB argument is no time, and the parser need not see it.
        guard text.utf8.count <= 64 else { return nil }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) {
            self = date
        } else if let date = try? Date.ISO8601FormatStyle().parse(text) {
            self = date
        } else if let day = SimpleDate.unbounded(text), InputLimits.years.contains(day.year) {
            self = day.startOfDay
        } else if SimpleDate.unbounded(text) != nil {
            // Outside the accepted years: a time that `acceptedRange` refuses (Calendar cannot be trusted with year 0).
            self = Date.distantPast
        } else {
            return nil
        }
    }

    /// Times from 1900-01-01T00:00:00Z up to, not including, 2101-01-01T00:00:00Z: what PostgreSQL and SQLite store
    /// alike (before 1582 the calendars differ, and year 0 is not representable).
    public static let acceptedRange = Date(timeIntervalSince1970: -2_208_988_800)..<Date(timeIntervalSince1970: 4_133_980_800)
}
