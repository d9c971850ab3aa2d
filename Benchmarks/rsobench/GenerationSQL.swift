import WorkflowEngine

/// The statements that generate the benchmark data on the server: a few big `INSERT … SELECT`s, no per-row round trips.
///
/// Staging tables (`bench_*`, unlogged) hold the plan; the real tables receive rows exactly as the engine writes them:
/// `cases` agree with their last event, `stage_intervals` has one row per state change with `left_at` the next change.
enum GenerationSQL {
    static let staging = ["bench_moves", "bench_cases", "bench_walk", "bench_last"]

    static func moves() -> [String] {
        [
            "CREATE UNLOGGED TABLE bench_moves (from_state text, transition text, to_state text, p_lo float8, p_hi float8, min_days float8, max_days float8)",
            "INSERT INTO bench_moves VALUES \(DatasetShape.movesSQL)",
        ]
    }

    /// One row per case: its id, opening instant and the fields it was opened with.
    static func cases(_ count: Int) -> String {
        """
        CREATE UNLOGGED TABLE bench_cases AS
        SELECT p.*, extract(year FROM p.created_at AT TIME ZONE 'UTC')::int AS year,
               jsonb_strip_nulls(jsonb_build_object(
                   'full_name', 'Bench Person ' || p.case_no, 'date_of_birth', p.date_of_birth, 'sex', p.sex,
                   'nationality', p.nationality, 'host_country', p.host_country, 'category', p.category,
                   'vulnerabilities', CASE WHEN p.vulnerability IS NULL THEN NULL ELSE jsonb_build_array(p.vulnerability) END,
                   'household_ref', 'HH-' || (p.case_no / 3), 'travel_document', p.travel_document)) AS open_fields
        FROM (
            SELECT i AS case_no, md5('rsobench-' || i)::uuid AS id,
                   date_trunc('milliseconds', timestamptz '\(DatasetShape.firstInstant)' + random() * interval '\(DatasetShape.openingDays) days') AS created_at,
                   (ARRAY['THA','MYS','IDN','AUS','NZL','SGP','PNG','TLS','BRN','JPN'])[1 + floor(random() * 10)::int] AS host_country,
                   (ARRAY['AFG','BGD','MMR','LKA','PAK','IRN','IRQ','VNM','KHM','NPL','SOM','SDN'])[1 + floor(random() * 12)::int] AS nationality,
                   (ARRAY['irregular_migrant','irregular_migrant','irregular_migrant','irregular_migrant','stranded_migrant',
                          'stranded_migrant','rejected_asylum_seeker','rejected_asylum_seeker','victim_of_trafficking','other',
                          'asylum_seeker','refugee','stateless'])[1 + floor(random() * 13)::int] AS category,
                   (ARRAY['female','male','male','other','unknown'])[1 + floor(random() * 5)::int] AS sex,
                   date '1955-01-01' + floor(random() * 18000)::int AS date_of_birth,
                   (ARRAY[NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'medical','elderly','single_parent','pregnant'])
                     [1 + floor(random() * 16)::int] AS vulnerability,
                   (ARRAY['none','expired','valid'])[1 + floor(random() * 3)::int] AS travel_document
            FROM generate_series(1, \(count)) AS i) AS p
        """
    }

    /// Every case walks from `registered` along weighted moves, one step per recursion for all cases at once,
    /// until a final state or the end of 2025. Dates set on the way are carried so the last step knows the case's fields.
    static let walk = """
        CREATE UNLOGGED TABLE bench_walk AS
        WITH RECURSIVE walk (case_no, step, transition, from_state, state, at, r, d, submitted_at, departure_on, arrival_on, plan_at) AS (
            SELECT case_no, 1, NULL::text, NULL::text, 'registered'::text, created_at, random(), random(),
                   NULL::timestamptz, NULL::date, NULL::date, NULL::timestamptz
            FROM bench_cases
          UNION ALL
            SELECT w.case_no, w.step + 1, m.transition, w.state, coalesce(m.to_state, w.from_state), n.at, random(), random(),
                   CASE WHEN m.transition = 'submit' THEN n.at ELSE w.submitted_at END,
                   CASE WHEN m.transition = 'arrange_travel' THEN (n.at AT TIME ZONE 'UTC')::date + 2 ELSE w.departure_on END,
                   CASE WHEN m.transition = 'confirm_return' THEN (n.at AT TIME ZONE 'UTC')::date ELSE w.arrival_on END,
                   CASE WHEN m.transition = 'start_reintegration' THEN n.at ELSE w.plan_at END
            FROM walk w
            JOIN bench_moves m ON m.from_state = w.state AND w.r >= m.p_lo AND w.r < m.p_hi
            CROSS JOIN LATERAL (SELECT date_trunc('milliseconds',
                w.at + (m.min_days + w.d * (m.max_days - m.min_days)) * interval '1 day') AS at) AS n
            WHERE n.at < timestamptz '\(DatasetShape.endInstant)' AND w.step < 60
        )
        SELECT * FROM walk
        """

    static let last = """
        CREATE UNLOGGED TABLE bench_last AS
        SELECT DISTINCT ON (case_no) * FROM bench_walk ORDER BY case_no, step DESC
        """

    static let users = """
        INSERT INTO users (name, roles, created_at, created_by)
        SELECT 'bench-cw-' || lpad(n::text, 2, '0'), ARRAY['caseworker'], timestamptz '2014-12-01 00:00:00+00', NULL FROM generate_series(1, 20) n
        UNION ALL
        SELECT 'bench-ap-' || lpad(n::text, 2, '0'), ARRAY['approver'], timestamptz '2014-12-01 00:00:00+00', NULL FROM generate_series(1, 5) n
        UNION ALL
        SELECT 'bench-manager', ARRAY['manager'], timestamptz '2014-12-01 00:00:00+00', NULL
        ON CONFLICT (name) DO NOTHING
        """

    /// So that cases opened later through the engine continue the numbering.
    static let counters = """
        INSERT INTO reference_counters (prefix, year, last_number)
        SELECT '\(DatasetShape.workflow.referencePrefix)', year, count(*) FROM bench_cases GROUP BY year
        ON CONFLICT (prefix, year) DO UPDATE SET last_number = reference_counters.last_number + excluded.last_number
        """

    /// Who made step `step` of case `case_no` (the same expression for the case row and its events).
    static func actor(_ w: String, _ c: String) -> String {
        """
        CASE WHEN \(w).transition IN (\(list(DatasetShape.approverTransitions)))
                  THEN 'bench-ap-' || lpad(((\(c).case_no + \(w).step) % 5 + 1)::text, 2, '0')
             WHEN \(w).step = 1 THEN 'bench-cw-' || lpad((\(c).case_no % 20 + 1)::text, 2, '0')
             ELSE 'bench-cw-' || lpad(((\(c).case_no + \(w).step) % 20 + 1)::text, 2, '0') END
        """
    }

    /// The fields each kind of step sets, as the engine would record them on the event.
    static func submitFields(_ at: String, _ c: String) -> String {
        """
        jsonb_strip_nulls(jsonb_build_object('consent_signed_on', (\(at) AT TIME ZONE 'UTC')::date,
            'destination_country', \(c).nationality, 'travel_document', 'valid',
            'unhcr_clearance', CASE WHEN \(c).category IN ('asylum_seeker', 'refugee') THEN 'granted' END))
        """
    }

    static func travelFields(_ departure: String, _ c: String) -> String {
        """
        jsonb_strip_nulls(jsonb_build_object('departure_date', \(departure), 'exit_clearance', 'granted',
            'fit_to_travel', CASE WHEN \(c).vulnerability = 'medical' THEN true END))
        """
    }

    static let planFields = "jsonb_build_object('reintegration_plan', 'Small business grant and follow-up', 'reintegration_grant_usd', 1500)"

    /// Cases in opening order, numbered per year; state, version and times from their last step.
    static func insertCases(definitionVersion: Int) -> String {
        let prefix = DatasetShape.workflow.referencePrefix
        return """
            INSERT INTO cases (id, reference, workflow, definition_version, state, previous_state, state_entered_at, version,
                               fields, parent_id, assignee, due_at, created_by, created_at, updated_by, updated_at)
            SELECT c.id, \(CaseReference.sql(prefix: "'\(prefix)'", year: "c.year", number: "row_number() OVER (PARTITION BY c.year ORDER BY c.created_at, c.case_no)")),
                   '\(DatasetShape.workflow.id)', \(definitionVersion), l.state, l.from_state, l.at, l.step,
                   c.open_fields
                     || CASE WHEN l.submitted_at IS NULL THEN '{}' ELSE \(submitFields("l.submitted_at", "c")) END
                     || CASE WHEN l.departure_on IS NULL THEN '{}' ELSE \(travelFields("l.departure_on", "c")) END
                     || CASE WHEN l.arrival_on IS NULL THEN '{}' ELSE jsonb_build_object('arrival_date', l.arrival_on) END
                     || CASE WHEN l.plan_at IS NULL THEN '{}' ELSE \(planFields) END,
                   NULL, NULL,
                   CASE l.state WHEN 'awaiting_approval' THEN l.at + interval '14 days' WHEN 'approved' THEN l.at + interval '30 days'
                                WHEN 'on_hold' THEN l.at + interval '30 days' WHEN 'monitoring' THEN l.at + interval '365 days'
                                WHEN 'travel_arranged' THEN (l.departure_on + 7)::timestamp AT TIME ZONE 'UTC' END,
                   'bench-cw-' || lpad((c.case_no % 20 + 1)::text, 2, '0'), c.created_at, \(actor("l", "c")), l.at
            FROM bench_cases c JOIN bench_last l USING (case_no)
            ORDER BY c.created_at
            """
    }

    /// The history in the order it happened: `seq` grows with time, as it does in a live database.
    static let insertEvents = """
        INSERT INTO case_events (case_id, case_version, kind, transition, from_state, to_state, actor, role, reason, fields, at, recorded_at)
        SELECT c.id, w.step, CASE WHEN w.step = 1 THEN 'opened' ELSE 'transition' END, w.transition, w.from_state, w.state,
               \(actor("w", "c")),
               CASE WHEN w.transition IN (\(list(DatasetShape.approverTransitions))) THEN 'approver' ELSE 'caseworker' END,
               CASE WHEN w.transition IN (\(list(DatasetShape.reasonTransitions))) THEN 'benchmark: ' || replace(w.transition, '_', ' ') END,
               CASE WHEN w.step = 1 THEN c.open_fields
                    WHEN w.transition = 'submit' THEN \(submitFields("w.at", "c"))
                    WHEN w.transition = 'arrange_travel' THEN \(travelFields("w.departure_on", "c"))
                    WHEN w.transition = 'confirm_return' THEN jsonb_build_object('arrival_date', w.arrival_on)
                    WHEN w.transition = 'start_reintegration' THEN \(planFields)
                    ELSE '{}' END,
               w.at, w.at
        FROM bench_walk w JOIN bench_cases c USING (case_no)
        ORDER BY w.at, w.case_no, w.step
        """

    /// The projection, derived from the history as migrations 3 and 7 derive it (all cases are AVRR), in the order the
    /// stays began.
    static let insertIntervals = """
        INSERT INTO stage_intervals (case_id, workflow, state, entered_at, left_at, entered_seq, reached_ms)
        \(intervalsFromHistory())
        ORDER BY e.seq
        """

    /// Each stay from the history: until the next move, and the time from opening on the first stay in each state.
    static func intervalsFromHistory(where condition: String = "true") -> String {
        """
        SELECT e.case_id, '\(DatasetShape.workflow.id)', e.to_state, e.at, lead(e.at) OVER moves, e.seq,
               CASE WHEN row_number() OVER reach = 1 THEN (extract(epoch FROM e.at - first_value(e.at) OVER moves) * 1000)::bigint END
        FROM case_events e
        WHERE e.to_state IS NOT NULL AND e.from_state IS DISTINCT FROM e.to_state AND \(condition)
        WINDOW moves AS (PARTITION BY e.case_id ORDER BY e.at, e.seq), reach AS (PARTITION BY e.case_id, e.to_state ORDER BY e.at, e.seq)
        """
    }

    /// jpa.operation cases with their outcome records (see `DatasetShape.operations`), and their running totals.
    ///
    /// The operations have no opened event: the raw stage baselines read every event that moves a case, and these
    /// must not add jpa.operation stays to AVRR's. Outcome records never move a case, so they disturb no baseline.
    static func operations(cases: Int) -> [String] {
        let operations = max(1, cases / DatasetShape.casesPerOperation), w = DatasetShape.operations
        let opened = "timestamptz '\(DatasetShape.firstInstant)' + (n::float8 * \(DatasetShape.openingDays - 200) / \(operations)) * interval '1 day'"
        let reference = CaseReference.sql(prefix: "'\(w.referencePrefix)'", year: "extract(year FROM o.at)::int", number: "n")
        let outcomes = w.outcomes?.names ?? []
        return [
            """
            INSERT INTO cases (id, reference, workflow, definition_version, state, state_entered_at, version, fields,
                               created_by, created_at, updated_by, updated_at)
            SELECT md5('bench-operation-' || n)::uuid, \(reference), '\(w.id)', \(w.version), 'active', o.at,
                   \(DatasetShape.recordsPerOperation + 1),
                   jsonb_build_object('name', 'Bench operation ' || n, 'lead_country', (ARRAY['IDN', 'THA', 'MYS', 'PHL', 'VNM'])[n % 5 + 1]),
                   'bench-cw-01', o.at, 'bench-cw-01', o.at + interval '\(30 * DatasetShape.recordsPerOperation) days'
            FROM generate_series(1, \(operations)) AS n, LATERAL (SELECT \(opened)) AS o (at)
            """,
            """
            INSERT INTO case_events (case_id, case_version, kind, actor, role, fields, at, recorded_at)
            SELECT c.id, v + 1, 'outcome', 'bench-cw-01', 'coordinator',
                   jsonb_build_object('outcome', (ARRAY[\(list(outcomes))])[(c.n + v) % \(outcomes.count) + 1], 'count', (c.n * v) % 9 + 1),
                   c.at + v * interval '30 days', c.at + v * interval '30 days'
            FROM (SELECT md5('bench-operation-' || n)::uuid AS id, n, \(opened) AS at FROM generate_series(1, \(operations)) AS n) AS c,
                 generate_series(1, \(DatasetShape.recordsPerOperation)) AS v
            """,
            """
            UPDATE cases c SET outcomes = totals.outcomes
            FROM (SELECT case_id, jsonb_object_agg(outcome, total) AS outcomes
                  FROM (SELECT case_id, fields->>'outcome' AS outcome, sum((fields->>'count')::int8) AS total
                        FROM case_events WHERE kind = 'outcome' GROUP BY 1, 2) AS each
                  GROUP BY case_id) AS totals
            WHERE c.id = totals.case_id
            """,
        ]
    }

    static func list(_ names: [String]) -> String {
        names.map { "'\($0)'" }.joined(separator: ", ")
    }
}
