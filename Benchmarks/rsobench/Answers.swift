import Foundation

/// A metric's answer in a form both the engine's and plain SQL's can take, to check that they agree.
enum Answer: Sendable, Equatable {
    /// Cases per state (states with none left out).
    case counts([String: Int])
    case total(Int)
    /// Count, median and 90th percentile of seconds per state (states with no completed stay left out).
    case durations([String: DurationFigures])

    /// Equal counts; durations equal to a millisecond (both are `percentile_cont` over the same seconds).
    func agrees(with other: Answer) -> Bool {
        switch (self, other) {
        case (.counts(let a), .counts(let b)): return a == b
        case (.total(let a), .total(let b)): return a == b
        case (.durations(let a), .durations(let b)):
            return a.keys == b.keys && a.allSatisfy { state, figures in b[state].map(figures.agrees) ?? false }
        default: return false
        }
    }

    /// A short account for the report: the total and the largest parts.
    var summary: String {
        switch self {
        case .counts(let counts):
            let top = counts.sorted { $0.value > $1.value }.prefix(3).map { "\($0.key) \($0.value)" }
            return "\(counts.values.reduce(0, +)) cases (\(top.joined(separator: ", ")), …)"
        case .total(let total):
            return "\(total) cases"
        case .durations(let figures):
            return figures.sorted { $0.key < $1.key }.map { state, f in
                "\(state) n=\(f.count) median=\(Self.days(f.median))d p90=\(Self.days(f.p90))d"
            }.joined(separator: "; ")
        }
    }

    /// Every difference, one line each, for the log when the answers disagree.
    func differences(from other: Answer) -> [String] {
        switch (self, other) {
        case (.counts(let a), .counts(let b)):
            return Set(a.keys).union(b.keys).sorted().compactMap { key in
                a[key] == b[key] ? nil : "\(key): engine \(a[key] ?? 0), SQL \(b[key] ?? 0)"
            }
        case (.total(let a), .total(let b)):
            return a == b ? [] : ["engine \(a), SQL \(b)"]
        case (.durations(let a), .durations(let b)):
            return Set(a.keys).union(b.keys).sorted().compactMap { key in
                guard let x = a[key], let y = b[key], x.agrees(with: y) else {
                    return "\(key): engine \(a[key].map(String.init(describing:)) ?? "none"), SQL \(b[key].map(String.init(describing:)) ?? "none")"
                }
                return nil
            }
        default:
            return ["different kinds of answer"]
        }
    }

    private static func days(_ seconds: Double) -> String {
        String(format: "%.1f", seconds / 86_400)
    }
}

struct DurationFigures: Sendable, Equatable, CustomStringConvertible {
    let count: Int
    let median: Double
    let p90: Double

    func agrees(with other: DurationFigures) -> Bool {
        count == other.count && abs(median - other.median) < 0.001 && abs(p90 - other.p90) < 0.001
    }

    var description: String { "n=\(count) median=\(median)s p90=\(p90)s" }
}
