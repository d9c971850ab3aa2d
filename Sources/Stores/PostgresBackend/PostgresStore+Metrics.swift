import Foundation
import PostgresNIO
import WorkflowEngine

extension PostgresStore {
    public func overdueCounts(workflow: String, at instant: Date) async throws -> [StageCount] {
        try await run { connection in
            try await connection.query(
                "SELECT state, count(*) FROM cases WHERE workflow = \(workflow) AND due_at < \(instant) GROUP BY state", logger: logger)
                .decode((String, Int).self).all().map { StageCount(state: $0, value: nil, count: $1) }
        }
    }

    public func stageCounts(workflow: String, at instant: Date?, by field: String?) async throws -> [StageCount] {
        guard let instant else { return try await currentStageCounts(workflow: workflow, by: field) }
        return try await run { connection in
            if field == nil, let counts = try await summarisedCounts(workflow: workflow, at: instant, on: connection) { return counts }
            var sql = SQLBuilder()
            let by = field.map { "(c.fields->\(sql.bind($0)))::text" } ?? "NULL::text"
            let w = sql.bind(workflow), t = sql.bind(instant)
            sql.text = """
                SELECT i.state, \(by), count(*)::int8 FROM stage_intervals i \(field == nil ? "" : "JOIN cases c ON c.id = i.case_id")
                WHERE i.workflow = \(w) AND i.entered_at < \(t) AND (i.left_at IS NULL OR i.left_at >= \(t))
                GROUP BY 1, 2
                """
            return try await connection.query(sql.query, logger: logger).decode((String, String?, Int).self).all()
                .map { StageCount(state: $0, value: try StoredForm.key(storedJSON: $1), count: $2) }
        }
    }

    /// Counts from the summary, brought forward first; nil when there is none to use.
    func summarisedCounts(workflow: String, at instant: Date?, on connection: PostgresConnection) async throws -> [StageCount]? {
        try await refreshSummary(workflow: workflow, on: connection)
        return try await summarisedStageCounts(workflow: workflow, at: instant, on: connection)
    }

    public func flow(workflow: String, into state: String, from: Date, until: Date, by field: String?) async throws -> [FieldCount] {
        try await run { connection in
            var sql = SQLBuilder()
            let by = field.map { "(c.fields->\(sql.bind($0)))::text" } ?? "NULL::text"
            sql.text = """
                SELECT \(by), count(DISTINCT i.case_id)::int8 FROM stage_intervals i \(field == nil ? "" : "JOIN cases c ON c.id = i.case_id")
                WHERE i.workflow = \(sql.bind(workflow)) AND i.state = \(sql.bind(state))
                  AND i.entered_at >= \(sql.bind(from)) AND i.entered_at < \(sql.bind(until))
                GROUP BY 1
                """
            return try await connection.query(sql.query, logger: logger).decode((String?, Int).self).all()
                .map { FieldCount(value: try StoredForm.key(storedJSON: $0), count: $1) }
        }
    }

    public func stageDurations(workflow: String) async throws -> [DurationStats] {
        try await run { connection in
            try await refreshSummary(workflow: workflow, on: connection)
            if let durations = try await summarisedDurations(workflow: workflow, on: connection) { return durations }
            return try await connection.query(
                """
                SELECT state, count(*)::int8,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - entered_at)),
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - entered_at))
                FROM stage_intervals WHERE workflow = \(workflow) AND left_at IS NOT NULL
                GROUP BY state
                """, logger: logger
            ).decode((String, Int, Double, Double).self).all()
                .map { DurationStats(state: $0, count: $1, medianSeconds: $2, p90Seconds: $3) }
        }
    }

    public func durationsToState(workflow: String, state: String) async throws -> DurationStats? {
        try await run { connection in
            let row = try await connection.query(
                """
                SELECT count(*)::int8, percentile_cont(0.5) WITHIN GROUP (ORDER BY reached_ms) / 1000,
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY reached_ms) / 1000
                FROM stage_intervals WHERE workflow = \(workflow) AND state = \(state) AND reached_ms IS NOT NULL
                """, logger: logger
            ).decode((Int, Double?, Double?).self).all().first
            guard let row, row.0 > 0, let median = row.1, let p90 = row.2 else { return nil }
            return DurationStats(state: state, count: row.0, medianSeconds: median, p90Seconds: p90)
        }
    }

    public func outcomeTotals(
        workflow: String, parentID: UUID?, from: Date?, until: Date?, by field: String?
    ) async throws -> [OutcomeCount] {
        let query = Self.outcomeTotalsQuery(workflow: workflow, parentID: parentID, from: from, until: until, by: field)
        return try await run { connection in
            try await connection.query(query, logger: logger).decode((String?, String, Int).self).all()
                .map { OutcomeCount(value: try StoredForm.key(storedJSON: $0), outcome: $1, total: $2) }
        }
    }

    /// The query `outcomeTotals` runs (apart, so that a test can check its plan).
    static func outcomeTotalsQuery(
        workflow: String, parentID: UUID?, from: Date?, until: Date?, by field: String?
    ) -> PostgresQuery {
        var sql = SQLBuilder()
        let by = field.map { "(c.fields->\(sql.bind($0)))::text" } ?? "NULL::text"
        var filters = "c.workflow = \(sql.bind(workflow))"
        if let parentID { filters += " AND c.parent_id = \(sql.bind(parentID))" }
        if from == nil && until == nil {
            // Running totals are kept on each case: no need to read the events.
            sql.text = """
                SELECT \(by), o.key, sum(o.value::int8)::int8 FROM cases c, jsonb_each_text(c.outcomes) AS o
                WHERE \(filters) GROUP BY 1, 2
                """
        } else {
            // `e.kind = 'outcome'` is the predicate of the partial index case_events_outcomes (migration 10): the
            // period's outcome events are one range of it, and no other event is read.
            if let from { filters += " AND e.at >= \(sql.bind(from))" }
            if let until { filters += " AND e.at < \(sql.bind(until))" }
            sql.text = """
                SELECT \(by), e.fields->>'outcome', sum((e.fields->>'count')::int8)::int8
                FROM case_events e JOIN cases c ON c.id = e.case_id
                WHERE e.kind = 'outcome' AND \(filters) GROUP BY 1, 2
                """
        }
        return sql.query
    }

    public func stageIntervals(of caseID: UUID) async throws -> [StageInterval] {
        try await run { connection in
            try await connection.query(
                "SELECT state, entered_at, left_at FROM stage_intervals WHERE case_id = \(caseID) ORDER BY entered_seq",
                logger: logger
            ).decode((String, PostgresInstant, PostgresInstant?).self).all().map { StageInterval(state: $0, enteredAt: $1.date, leftAt: $2?.date) }
        }
    }
}

/// Dynamic SQL with numbered parameters, for queries whose shape depends on options.
struct SQLBuilder {
    var text = ""
    private(set) var bindings = PostgresBindings()

    mutating func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: text, binds: bindings) }
}
