import Foundation

/// A workflow state in which a timer fires a transition: where a timer run looks for due cases.
public struct TimerTarget: Sendable, Hashable {
    public let workflow: String
    public let state: String

    public init(workflow: String, state: String) {
        self.workflow = workflow
        self.state = state
    }
}

/// Timers: claiming due cases so that parallel timer runs share the work instead of colliding.
///
/// A claim is a lease (`cases.timer_claimed_until`), not a lock held open: a runner that dies
/// mid-run only delays its cases until the lease ends. Firing exactly once does not rest on the
/// lease but on the case's version check; the lease keeps runners from doing the same work twice.
///
/// Part of `CaseStore`; each backend conforms in its own files.
public protocol TimerStore: Sendable {
    /// Leases up to `limit` cases in `targets` whose `due_at` is at or before `dueBy` and that nobody
    /// holds a lease on at `leasedAt`, earliest due first; returns them as they stood when claimed.
    ///
    /// `dueBy` is the run's (possibly simulated) clock; `leasedAt` and `leaseUntil` are wall-clock
    /// times, since leases arbitrate between processes running now. Concurrent callers get disjoint sets
    /// (`FOR UPDATE SKIP LOCKED` on PostgreSQL; the write lock on SQLite).
    func claimDueCases(in targets: [TimerTarget], dueBy: Date, leasedAt: Date, leaseUntil: Date, limit: Int) async throws -> [CaseRecord]

    /// Ends leases early, only where the lease is still the one `leaseUntil` identifies (never another runner's).
    func releaseTimerClaims(of caseIDs: [UUID], leaseUntil: Date) async throws
}
