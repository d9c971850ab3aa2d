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

    /// `2013-06-24T09:30:00Z`, or `2013-06-24T09:30:00.125Z` when its whole microsecond (as the stores keep it) is not
    /// a whole second: milliseconds, cut, not rounded, so an instant never prints as a later one.
    ///
    /// Written digit by digit (`UTCTimestamp`) for the years 1900–9999: every case a server answers with and every log
    /// line hold several instants, and Foundation's formatter cost more than the rest of the log line. Foundation also
    /// cuts the binary value, so an instant stored as `.001` came out as `.000`. Other years go to Foundation, whose
    /// calendar before 1582 is Julian.
    public var iso8601: String {
        let stamp = UTCTimestamp(self)
        guard (1900...9999).contains(stamp.year) else {
            return formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: stamp.microsecond != 0))
        }
        return String(unsafeUninitializedCapacity: UTCTimestamp.longest + 1) { buffer in
            let out = UnsafeMutableRawBufferPointer(buffer)
            let end = stamp.write(into: out, separator: UInt8(ascii: "T"), fractionDigits: stamp.microsecond == 0 ? 0 : 3)
            out[end] = UInt8(ascii: "Z")
            return end + 1
        }
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

/// An instant's UTC calendar day, time of day and microsecond, written as ISO 8601's digits without `Calendar` or a
/// formatter: `Date.iso8601` and the PostgreSQL store's COPY rows (three instants per case) both write them.
package struct UTCTimestamp: Sendable {
    package let year: Int64
    let month: Int64
    let day: Int64
    let secondOfDay: Int64
    /// The microsecond within its second, 0 to 999,999.
    package let microsecond: Int64

    /// The most bytes `write` writes: `YYYY-MM-DD HH:MM:SS.ffffff`.
    package static let longest = 26

    package init(_ date: Date) {
        let (year, month, day, microsecondOfDay) = date.utcDay
        (self.year, self.month, self.day) = (year, month, day)
        (secondOfDay, microsecond) = (microsecondOfDay / 1_000_000, microsecondOfDay % 1_000_000)
    }

    /// Writes `YYYY-MM-DD`, `separator`, `HH:MM:SS` and, when `fractionDigits` (1 to 6) is not 0, a point and the second's
    /// first digits (cut, not rounded) at the start of `out`, which has room for `longest` bytes; returns how many it
    /// wrote. A year is written with four digits: the caller keeps to the years 0–9999.
    package func write(into out: UnsafeMutableRawBufferPointer, separator: UInt8, fractionDigits: Int) -> Int {
        var end = 0
        func digits(_ value: Int64, _ width: Int, then next: UInt8?) {
            var rest = value
            for offset in stride(from: width - 1, through: 0, by: -1) {
                out[end + offset] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            end += width
            if let next {
                out[end] = next
                end += 1
            }
        }
        digits(year, 4, then: UInt8(ascii: "-"))
        digits(month, 2, then: UInt8(ascii: "-"))
        digits(day, 2, then: separator)
        digits(secondOfDay / 3600, 2, then: UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2, then: UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2, then: fractionDigits > 0 ? UInt8(ascii: ".") : nil)
        if fractionDigits > 0 {
            var cut = microsecond
            for _ in fractionDigits..<6 { cut /= 10 }
            digits(cut, fractionDigits, then: nil)
        }
        return end
    }
}
