import Foundation
import PostgresNIO
import WorkflowEngine

/// The same questions answered by plain SQL over the raw tables: `cases` and the `case_events` history, no projection.
///
/// The benchmark database holds AVRR cases only, so the history queries need not join `cases` for the workflow.
struct RawBaselines: Sendable {
    let database: RawDatabase
    var workflow: String { DatasetShape.workflow.id }

    /// Plain `GROUP BY` over the current cases.
    func stages() async throws -> Answer {
        try await counts("SELECT state, count(*)::int8 FROM cases WHERE workflow = \(workflow) GROUP BY state")
    }

    /// Each case's last state change before the end of `day`, then `GROUP BY`.
    func stages(asOf day: SimpleDate) async throws -> Answer {
        try await counts(
            """
            SELECT state, count(*)::int8 FROM (
                SELECT DISTINCT ON (case_id) to_state AS state FROM case_events
                WHERE at < \(day.endOfDay) AND to_state IS NOT NULL
                ORDER BY case_id, at DESC, seq DESC) AS latest
            GROUP BY state
            """)
    }

    /// Distinct cases with an event moving them into `state` in the period.
    func flow(into state: String, from: SimpleDate, to: SimpleDate) async throws -> Answer {
        .total(try await database.integer(
            """
            SELECT count(DISTINCT case_id)::int8 FROM case_events
            WHERE to_state = \(state) AND from_state IS DISTINCT FROM to_state
              AND at >= \(from.startOfDay) AND at < \(to.endOfDay)
            """))
    }

    /// The outcome records of the period, summed per outcome.
    func outcomes(from: SimpleDate, to: SimpleDate) async throws -> Answer {
        try await counts(
            """
            SELECT e.fields->>'outcome', sum((e.fields->>'count')::int8)::int8
            FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE c.workflow = \(DatasetShape.operations.id) AND e.kind = 'outcome'
              AND e.at >= \(from.startOfDay) AND e.at < \(to.endOfDay)
            GROUP BY 1
            """)
    }

    /// Time in each state: from a state change to the case's next one (`lead` over its history).
    func durations() async throws -> Answer {
        let rows = try await database.client.query(
            """
            SELECT state, count(*)::int8,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds), percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds)
            FROM (SELECT to_state AS state,
                         extract(epoch FROM lead(at) OVER (PARTITION BY case_id ORDER BY at, seq) - at) AS seconds
                  FROM case_events
                  WHERE to_state IS NOT NULL AND from_state IS DISTINCT FROM to_state) AS stays
            WHERE seconds IS NOT NULL
            GROUP BY state
            """, logger: database.logger).decode((String, Int, Double, Double).self)
        var figures: [String: DurationFigures] = [:]
        for try await (state, count, median, p90) in rows {
            figures[state] = DurationFigures(count: count, median: median, p90: p90)
        }
        return .durations(figures)
    }

    /// Time from the opened event to the first move into `state`, over cases that made it.
    func durations(to state: String) async throws -> Answer {
        let rows = try await database.client.query(
            """
            SELECT count(*)::int8, percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds), percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds)
            FROM (SELECT extract(epoch FROM min(at) FILTER (WHERE to_state = \(state) AND from_state IS DISTINCT FROM to_state)
                                          - min(at) FILTER (WHERE kind = 'opened')) AS seconds
                  FROM case_events GROUP BY case_id) AS reached
            WHERE seconds IS NOT NULL
            """, logger: database.logger).decode((Int, Double?, Double?).self)
        for try await (count, median, p90) in rows {
            guard count > 0, let median, let p90 else { break }
            return .durations([state: DurationFigures(count: count, median: median, p90: p90)])
        }
        return .durations([:])
    }

    private func counts(_ query: PostgresQuery) async throws -> Answer {
        var counts: [String: Int] = [:]
        for try await (state, count) in try await database.client.query(query, logger: database.logger).decode((String, Int).self)
        where count > 0 {
            counts[state] = count
        }
        return .counts(counts)
    }
}
