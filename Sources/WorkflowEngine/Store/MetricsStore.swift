import Foundation

/// A count for one value of a `by` field (`nil` value when no field was asked for, or the field is unset).
public struct FieldCount: Sendable, Hashable {
    public let value: String?
    public let count: Int

    public init(value: String?, count: Int) {
        self.value = value
        self.count = count
    }
}

/// How long cases took: median and 90th percentile (linear interpolation, like `percentile_cont`), in seconds.
public struct DurationStats: Sendable, Hashable {
    public let state: String
    public let count: Int
    public let medianSeconds: Double
    public let p90Seconds: Double

    public init(state: String, count: Int, medianSeconds: Double, p90Seconds: Double) {
        self.state = state
        self.count = count
        self.medianSeconds = medianSeconds
        self.p90Seconds = p90Seconds
    }

    /// Statistics of unsorted durations, for stores that compute them in Swift.
    public init?(state: String, seconds: [Double]) {
        guard !seconds.isEmpty else { return nil }
        let sorted = seconds.sorted()
        func percentile(_ p: Double) -> Double {
            let rank = p * Double(sorted.count - 1)
            let low = Int(rank.rounded(.down)), high = Int(rank.rounded(.up))
            return sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
        }
        self.init(state: state, count: sorted.count, medianSeconds: percentile(0.5), p90Seconds: percentile(0.9))
    }
}

/// An outcome total for one value of a `by` field.
public struct OutcomeCount: Sendable, Hashable {
    public let value: String?
    public let outcome: String
    public let total: Int

    public init(value: String?, outcome: String, total: Int) {
        self.value = value
        self.outcome = outcome
        self.total = total
    }
}

/// One stay of a case in a state, as the projection records it.
public struct StageInterval: Sendable, Hashable {
    public let state: String
    public let enteredAt: Date
    public let leftAt: Date?

    public init(state: String, enteredAt: Date, leftAt: Date?) {
        self.state = state
        self.enteredAt = enteredAt
        self.leftAt = leftAt
    }
}

/// Managers' figures, answered from the stage-interval projection and never by scanning the history.
///
/// Part of `CaseStore`; each backend conforms in its own files. Instants are exclusive upper bounds:
/// "as of the end of 24 June" is the instant 25 June 00:00 UTC.
public protocol MetricsStore: Sendable {
    /// Cases per state at `instant` (entered before it, not left before it), split by a field's current value; with
    /// no instant, the cases' states now.
    func stageCounts(workflow: String, at instant: Date?, by field: String?) async throws -> [StageCount]
    /// Distinct cases that entered `state` in `[from, until)`.
    func flow(workflow: String, into state: String, from: Date, until: Date, by field: String?) async throws -> [FieldCount]
    /// Time spent in each state, over stays that ended.
    func stageDurations(workflow: String) async throws -> [DurationStats]
    /// Time from opening to first entering `state`, over cases that reached it.
    func durationsToState(workflow: String, state: String) async throws -> DurationStats?
    /// Outcome totals over recorded events in `[from, until)`, optionally for one parent's children.
    func outcomeTotals(workflow: String, parentID: UUID?, from: Date?, until: Date?, by field: String?) async throws -> [OutcomeCount]
    /// Cases per state whose due date has passed at `instant`.
    func overdueCounts(workflow: String, at instant: Date) async throws -> [StageCount]
    /// The projection's intervals for one case, oldest first (to check it against the history).
    func stageIntervals(of caseID: UUID) async throws -> [StageInterval]
}
