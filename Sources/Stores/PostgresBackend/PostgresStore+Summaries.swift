import Foundation
import PostgresNIO
import WorkflowEngine

/// Summaries of each workflow's stays before an instant (`stage_summaries.covers_before`): stage counts at every month
/// start, and finished stays counted per whole day of duration. A metric reads a summary plus what happened since,
/// never every stay.
///
/// Why they cannot disagree with the history: a summary covers stays entered or left before `covers_before`, which is
/// ten minutes before it was built. A write dated more than five minutes back deletes its workflow's summary in the
/// same statement; the refresh holds the summary's row lock, so that delete waits for it and then lands. The next
/// metric rebuilds from the whole projection.
extension PostgresStore {
    /// How far back a write may be dated and leave the summaries standing.
    static let backDated = "< now() - interval '5 minutes'"

    /// The part of a write statement that deletes a summary the write makes wrong.
    static func staleSummary(workflow: String, at: String, when condition: String) -> String {
        """
        stale_summary AS (
            DELETE FROM stage_summaries WHERE workflow = \(workflow) AND \(at) \(backDated) AND \(condition)
            RETURNING workflow)
        """
    }

    /// Builds the workflow's summary if it has none, or brings it forward when it is older than `age` seconds, to
    /// `margin` seconds before now (tests shorten both).
    ///
    /// A refresh that loses a race with another does nothing: the metric still reads the projection correctly.
    /// On a read-only server (a replica, which metrics may use) it does nothing either: the summary replicated from
    /// the primary is as consistent with the replicated history as it was there.
    func refreshSummary(workflow: String, age: Int = 3_600, margin: Int = 600, on connection: PostgresConnection) async throws {
        do {
            try await bringForward(workflow: workflow, age: age, margin: margin, on: connection)
        } catch where Self.isReadOnly(error) {
            return
        }
    }

    /// The same, on a connection of its own.
    func refreshSummary(workflow: String, age: Int = 3_600, margin: Int = 600) async throws {
        try await run { connection in try await refreshSummary(workflow: workflow, age: age, margin: margin, on: connection) }
    }

    private static func isReadOnly(_ error: any Error) -> Bool {
        let cause = (error as? PostgresTransactionError).map { $0.closureError ?? $0.beginError } ?? error
        return (cause as? PSQLError)?.serverInfo?[.sqlState] == "25006"  // read_only_sql_transaction
    }

    private func bringForward(workflow: String, age: Int, margin: Int, on connection: PostgresConnection) async throws {
        let summary = try await connection.query(
            "SELECT covers_before > now() - make_interval(secs => \(age)) FROM stage_summaries WHERE workflow = \(workflow)",
            logger: logger
        ).decode(Bool?.self).all()
        if summary.first == true { return }
        if summary.isEmpty {
            // The row exists before any stay is read, so a back-dated write that commits meanwhile has a row to delete.
            try await connection.query(
                "INSERT INTO stage_summaries (workflow, covers_before) VALUES (\(workflow), NULL) ON CONFLICT DO NOTHING",
                logger: logger)
        }
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SET LOCAL TimeZone = 'UTC'", logger: logger)
            // The first build reads the whole projection once (28 s at 1M cases, 7M stays, on two busy cores): not a
            // statement a user waits on by mistake. The command's deadline still bounds it, and a client gone away
            // rolls it back.
            try await connection.query("SET LOCAL statement_timeout = 0", logger: logger)
            let locked = try await connection.query(
                """
                SELECT covers_before, now() - make_interval(secs => \(margin)) FROM stage_summaries
                WHERE workflow = \(workflow) AND (covers_before IS NULL OR covers_before <= now() - make_interval(secs => \(age)))
                FOR UPDATE SKIP LOCKED
                """, logger: logger
            ).decode((Date?, Date).self).all().first
            guard let (from, until) = locked else { return }
            if from == nil {
                try await connection.query("DELETE FROM stage_duration_days WHERE workflow = \(workflow)", logger: logger)
                try await connection.query("DELETE FROM stage_snapshots WHERE workflow = \(workflow)", logger: logger)
            }
            try await addDurations(workflow: workflow, leftFrom: from, until: until, on: connection)
            try await addSnapshots(workflow: workflow, until: until, on: connection)
            try await connection.query(
                "UPDATE stage_summaries SET covers_before = \(until) WHERE workflow = \(workflow)", logger: logger)
        }
    }

    /// Counts the stays that ended in `[from, until)` into their day of duration.
    private func addDurations(workflow: String, leftFrom from: Date?, until: Date, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO stage_duration_days (workflow, state, day, stays)
            SELECT \(workflow), state, duration_ms / 86400000, count(*) FROM stage_intervals
            WHERE workflow = \(workflow) AND left_at >= coalesce(\(from)::timestamptz, '-infinity') AND left_at < \(until)
            GROUP BY 2, 3
            ON CONFLICT (workflow, state, day) DO UPDATE SET stays = stage_duration_days.stays + excluded.stays
            """, logger: logger)
    }

    /// Adds the counts at each month start after the latest snapshot, up to the month start at or before `until`.
    private func addSnapshots(workflow: String, until: Date, on connection: PostgresConnection) async throws {
        let latest = try await connection.query(
            "SELECT max(at) FROM stage_snapshots WHERE workflow = \(workflow)", logger: logger
        ).decode(Date?.self).all().first ?? nil
        // A stay entered at e counts from the first month start after e; one left at l, until the first after l.
        try await connection.query(
            """
            INSERT INTO stage_snapshots (workflow, at, state, cases)
            WITH bounds AS (
                SELECT coalesce(\(latest)::timestamptz,
                                (SELECT date_trunc('month', min(entered_at)) FROM stage_intervals WHERE workflow = \(workflow))) AS first,
                       date_trunc('month', \(until)::timestamptz) AS last),
            base AS (SELECT state, cases FROM stage_snapshots WHERE workflow = \(workflow) AND at = \(latest)::timestamptz),
            changes AS (
                SELECT date_trunc('month', i.entered_at) + interval '1 month' AS at, i.state, 1 AS d
                FROM stage_intervals i, bounds b
                WHERE i.workflow = \(workflow) AND i.entered_at >= b.first AND i.entered_at < b.last
                UNION ALL
                SELECT date_trunc('month', i.left_at) + interval '1 month', i.state, -1
                FROM stage_intervals i, bounds b
                WHERE i.workflow = \(workflow) AND i.left_at >= b.first AND i.left_at < b.last),
            monthly AS (SELECT at, state, sum(d) AS d FROM changes GROUP BY 1, 2),
            months AS (SELECT generate_series(b.first + interval '1 month', b.last, interval '1 month') AS at FROM bounds b),
            states AS (SELECT state FROM base UNION SELECT state FROM monthly),
            grid AS (
                SELECT m.at, s.state, coalesce(x.d, 0) AS d
                FROM months m CROSS JOIN states s LEFT JOIN monthly x ON x.at = m.at AND x.state = s.state)
            SELECT \(workflow), g.at, g.state, coalesce(b.cases, 0) + sum(g.d) OVER (PARTITION BY g.state ORDER BY g.at)
            FROM grid g LEFT JOIN base b ON b.state = g.state
            """, logger: logger)
    }

    /// Cases per state at `instant` (nil: now) from the latest month snapshot at or before it, plus the stays entered
    /// and minus those left since; nil when there is no usable snapshot.
    func summarisedStageCounts(workflow: String, at instant: Date?, on connection: PostgresConnection) async throws -> [StageCount]? {
        let until = instant ?? .distantFuture
        let rows = try await connection.query(
            """
            WITH snap AS (
                SELECT max(s.at) AS at FROM stage_snapshots s JOIN stage_summaries m USING (workflow)
                WHERE s.workflow = \(workflow) AND s.at <= \(until)::timestamptz AND s.at <= m.covers_before),
            base AS (SELECT s.state, s.cases FROM stage_snapshots s, snap WHERE s.workflow = \(workflow) AND s.at = snap.at),
            entered AS (
                SELECT i.state, count(*) AS n FROM stage_intervals i, snap
                WHERE i.workflow = \(workflow) AND i.entered_at >= snap.at AND i.entered_at < \(until)::timestamptz GROUP BY 1),
            departed AS (
                SELECT i.state, count(*) AS n FROM stage_intervals i, snap
                WHERE i.workflow = \(workflow) AND i.left_at >= snap.at AND i.left_at < \(until)::timestamptz GROUP BY 1)
            SELECT state, (coalesce(base.cases, 0) + coalesce(entered.n, 0) - coalesce(departed.n, 0))::int8
            FROM base FULL JOIN entered USING (state) FULL JOIN departed USING (state)
            """, logger: logger
        ).decode((String, Int).self).all()
        return rows.isEmpty ? nil : rows.map { StageCount(state: $0, value: nil, count: $1) }.filter { $0.count != 0 }
    }

    /// Median, 90th percentile and count of finished stays per state, from the day counts: the day holding each rank
    /// is found in the counts, the exact duration at that rank by an index seek within the day.
    /// Nil when the workflow has no summary (it was just made stale).
    func summarisedDurations(workflow: String, on connection: PostgresConnection) async throws -> [DurationStats]? {
        // One snapshot for the counts and the seeks, so that they describe the same stays.
        try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
        do {
            let result = try await durations(workflow: workflow, on: connection)
            try await connection.query("COMMIT", logger: logger)
            return result
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    private func durations(workflow: String, on connection: PostgresConnection) async throws -> [DurationStats]? {
        guard let covers = try await connection.query(
            "SELECT covers_before FROM stage_summaries WHERE workflow = \(workflow)", logger: logger
        ).decode(Date?.self).all().first ?? nil else { return nil }
        var histograms: [String: DayHistogram] = [:]
        for try await (state, day, stays) in try await connection.query(
            """
            SELECT state, day, sum(stays)::int8 FROM (
                SELECT state, day, stays FROM stage_duration_days WHERE workflow = \(workflow)
                UNION ALL
                SELECT state, duration_ms / 86400000, count(*) FROM stage_intervals
                WHERE workflow = \(workflow) AND left_at >= \(covers) GROUP BY 1, 2) AS counted
            GROUP BY 1, 2 HAVING sum(stays) > 0 ORDER BY 1, 2
            """, logger: logger
        ).decode((String, Int64, Int).self) {
            histograms[state, default: DayHistogram()].days.append((day, stays))
        }
        let seeks = histograms.flatMap { state, histogram in histogram.ranksNeeded.map { (state, histogram.locate($0)) } }
        var found: [Seek: Double] = [:]
        for try await (index, milliseconds) in try await connection.query(
            """
            SELECT t.i, (SELECT duration_ms FROM stage_intervals
                         WHERE workflow = \(workflow) AND state = t.state AND left_at IS NOT NULL
                           AND duration_ms >= t.day * 86400000 AND duration_ms < (t.day + 1) * 86400000
                         ORDER BY duration_ms OFFSET t.k LIMIT 1)
            FROM unnest(\(seeks.map(\.0))::text[], \(seeks.map(\.1.day))::int8[], \(seeks.map(\.1.offset))::int8[])
                 WITH ORDINALITY AS t (state, day, k, i)
            """, logger: logger
        ).decode((Int, Int64?).self) {
            guard let milliseconds else {
                throw WorkflowError(.unavailable, "a duration summary of \(workflow) disagreed with its stays; run the metric again")
            }
            let (state, location) = seeks[index - 1]
            found[Seek(state: state, day: location.day, offset: location.offset)] = Double(milliseconds) / 1_000
        }
        return try histograms.sorted { $0.key < $1.key }.map { state, histogram in
            func value(_ rank: Int) throws -> Double {
                let location = histogram.locate(rank)
                guard let seconds = found[Seek(state: state, day: location.day, offset: location.offset)] else {
                    throw WorkflowError(.unavailable, "a duration of \(workflow) at rank \(rank) was not read")
                }
                return seconds
            }
            func percentile(_ p: Double) throws -> Double {
                let rank = p * Double(histogram.count - 1)
                let low = Int(rank.rounded(.down)), high = Int(rank.rounded(.up))
                let first = try value(low)
                return first + (try value(high) - first) * (rank - Double(low))
            }
            return DurationStats(state: state, count: histogram.count, medianSeconds: try percentile(0.5), p90Seconds: try percentile(0.9))
        }
    }

}

/// Where a duration is sought: the n-th shortest stay of a state within one day of duration.
private struct Seek: Hashable {
    let state: String
    let day: Int64
    let offset: Int
}

/// Finished stays of one state per whole day of duration, shortest first.
private struct DayHistogram {
    var days: [(day: Int64, stays: Int)] = []

    var count: Int { days.reduce(0) { $0 + $1.stays } }

    /// The ranks `percentile_cont` interpolates between for the median and the 90th percentile.
    var ranksNeeded: Set<Int> {
        Set([0.5, 0.9].flatMap { p -> [Int] in
            let rank = p * Double(count - 1)
            return [Int(rank.rounded(.down)), Int(rank.rounded(.up))]
        })
    }

    /// The day holding the stay at `rank` (0 = shortest), and its offset within that day.
    func locate(_ rank: Int) -> (day: Int64, offset: Int) {
        var before = 0
        for (day, stays) in days {
            if rank < before + stays { return (day, rank - before) }
            before += stays
        }
        return (days.last?.day ?? 0, max(0, rank - before))
    }
}
