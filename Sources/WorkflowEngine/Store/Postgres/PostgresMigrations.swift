/// Numbered schema changes for PostgreSQL. PostgresNIO sends one statement per query, so each is a list.
enum PostgresMigrations {
    static let ledger = """
        CREATE TABLE IF NOT EXISTS rso_schema_migrations (
            version integer PRIMARY KEY,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now())
        """

    static let all: [Migration] = [
        Migration(version: 1, name: "users, cases and their append-only history", statements: [
            """
            CREATE TABLE users (
                name text PRIMARY KEY,
                roles text[] NOT NULL,
                created_at timestamptz NOT NULL,
                created_by text)
            """,
            """
            CREATE TABLE reference_counters (
                prefix text NOT NULL,
                year integer NOT NULL,
                last_number integer NOT NULL,
                PRIMARY KEY (prefix, year))
            """,
            """
            CREATE TABLE cases (
                id uuid PRIMARY KEY,
                reference text NOT NULL UNIQUE,
                workflow text NOT NULL,
                definition_version integer NOT NULL,
                state text NOT NULL,
                previous_state text,
                state_entered_at timestamptz NOT NULL,
                version integer NOT NULL CHECK (version > 0),
                fields jsonb NOT NULL,
                parent_id uuid REFERENCES cases (id),
                assignee text,
                due_at timestamptz,
                created_by text NOT NULL,
                created_at timestamptz NOT NULL,
                updated_by text NOT NULL,
                updated_at timestamptz NOT NULL)
            """,
            "CREATE INDEX cases_workflow_state ON cases (workflow, state)",
            "CREATE INDEX cases_parent ON cases (parent_id) WHERE parent_id IS NOT NULL",
            "CREATE INDEX cases_due ON cases (workflow, due_at) WHERE due_at IS NOT NULL",
            """
            CREATE TABLE case_events (
                seq bigserial PRIMARY KEY,
                case_id uuid NOT NULL REFERENCES cases (id),
                case_version integer NOT NULL,
                kind text NOT NULL,
                transition text,
                from_state text,
                to_state text,
                actor text NOT NULL,
                role text,
                reason text,
                fields jsonb NOT NULL,
                at timestamptz NOT NULL,
                idempotency_key text UNIQUE,
                request_hash text,
                recorded_at timestamptz NOT NULL DEFAULT now(),
                UNIQUE (case_id, case_version))
            """,
            "CREATE INDEX case_events_latest_transition ON case_events (case_id, transition, seq DESC) WHERE transition IS NOT NULL",
            // The history is evidence: the database itself refuses to rewrite it.
            """
            CREATE FUNCTION rso_refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'case_events is append-only: % is refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END $$
            """,
            """
            CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
                FOR EACH ROW EXECUTE FUNCTION rso_refuse_history_change()
            """,
            """
            CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
                FOR EACH STATEMENT EXECUTE FUNCTION rso_refuse_history_change()
            """,
        ]),
        Migration(version: 2, name: "outcome totals and unique-field claims", statements: [
            "ALTER TABLE cases ADD COLUMN outcomes jsonb NOT NULL DEFAULT '{}'",
            """
            CREATE TABLE case_unique_values (
                workflow text NOT NULL,
                field text NOT NULL,
                value text NOT NULL,
                case_id uuid NOT NULL REFERENCES cases (id),
                PRIMARY KEY (workflow, field, value))
            """,
            "CREATE INDEX case_unique_values_case ON case_unique_values (case_id)",
        ]),
        // Where each case stood when: written with every transition, so stage counts as of any date,
        // flows and durations never scan the history.
        Migration(version: 3, name: "stage intervals projection", statements: [
            """
            CREATE TABLE stage_intervals (
                case_id uuid NOT NULL REFERENCES cases (id),
                workflow text NOT NULL,
                state text NOT NULL,
                entered_at timestamptz NOT NULL,
                left_at timestamptz,
                entered_seq bigint NOT NULL,
                PRIMARY KEY (case_id, entered_seq))
            """,
            "CREATE INDEX stage_intervals_entered ON stage_intervals (workflow, entered_at) INCLUDE (state)",
            "CREATE INDEX stage_intervals_left ON stage_intervals (workflow, left_at) INCLUDE (state) WHERE left_at IS NOT NULL",
            "CREATE INDEX stage_intervals_flow ON stage_intervals (workflow, state, entered_at)",
            "CREATE INDEX stage_intervals_duration ON stage_intervals (workflow, state, (left_at - entered_at)) WHERE left_at IS NOT NULL",
            "CREATE INDEX stage_intervals_open ON stage_intervals (case_id) WHERE left_at IS NULL",
            """
            INSERT INTO stage_intervals (case_id, workflow, state, entered_at, left_at, entered_seq)
            SELECT e.case_id, c.workflow, e.to_state, e.at, lead(e.at) OVER moves, e.seq
            FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE e.to_state IS NOT NULL AND e.from_state IS DISTINCT FROM e.to_state
            WINDOW moves AS (PARTITION BY e.case_id ORDER BY e.at, e.seq)
            """,
        ]),
        // Timers lease due cases (claimed with FOR UPDATE SKIP LOCKED) so that parallel runners fire each once.
        Migration(version: 4, name: "timer leases", statements: [
            "ALTER TABLE cases ADD COLUMN timer_claimed_until timestamptz",
        ]),
        // Measured at 1M cases: the planner used this index to skip a sort and then read ~5M heap pages at
        // random (20 s); a sequential scan and sort takes a third of that, and every write is cheaper without it.
        Migration(version: 5, name: "drop the stage duration index", statements: [
            "DROP INDEX IF EXISTS stage_intervals_duration",
        ]),
        // Summaries of the history before `covers_before` (NULL while the first is being built): stage counts at each month start and the number of finished
        // stays per whole day of duration. Metrics read a summary plus the little that happened since, instead of
        // every stay. A write dated more than five minutes back deletes its workflow's row; the next metric rebuilds it.
        Migration(version: 6, name: "stage summaries", statements: [
            """
            ALTER TABLE stage_intervals ADD COLUMN duration_ms bigint
                GENERATED ALWAYS AS ((extract(epoch FROM left_at - entered_at) * 1000)::bigint) STORED
            """,
            "CREATE INDEX stage_intervals_duration_ms ON stage_intervals (workflow, state, duration_ms) WHERE left_at IS NOT NULL",
            "CREATE TABLE stage_summaries (workflow text PRIMARY KEY, covers_before timestamptz)",
            """
            CREATE TABLE stage_snapshots (
                workflow text NOT NULL, at timestamptz NOT NULL, state text NOT NULL, cases bigint NOT NULL,
                PRIMARY KEY (workflow, at, state))
            """,
            """
            CREATE TABLE stage_duration_days (
                workflow text NOT NULL, state text NOT NULL, day bigint NOT NULL, stays bigint NOT NULL,
                PRIMARY KEY (workflow, state, day))
            """,
        ]),
        // Time from opening to first reaching a state, kept on the stay that first reached it: "how long until return"
        // reads one index range instead of grouping every stay by case.
        Migration(version: 7, name: "time to first reach each state", statements: [
            "ALTER TABLE stage_intervals ADD COLUMN reached_ms bigint",
            """
            UPDATE stage_intervals i SET reached_ms = (extract(epoch FROM i.entered_at - c.created_at) * 1000)::bigint
            FROM cases c, (SELECT DISTINCT ON (case_id, state) case_id, entered_seq FROM stage_intervals
                           ORDER BY case_id, state, entered_at, entered_seq) AS first
            WHERE first.case_id = i.case_id AND first.entered_seq = i.entered_seq AND c.id = i.case_id
            """,
            "CREATE INDEX stage_intervals_reached ON stage_intervals (workflow, state, reached_ms) WHERE reached_ms IS NOT NULL",
        ]),
        // A case's open stay is found through the primary key among its few stays: this index only cost every
        // transition an index write.
        Migration(version: 8, name: "drop the open stay index", statements: [
            "DROP INDEX IF EXISTS stage_intervals_open",
        ]),
    ]
}
