/// Numbered schema changes for the embedded SQLite store; the same model as PostgreSQL's.
enum SQLiteMigrations {
    static let ledger = """
        CREATE TABLE IF NOT EXISTS rso_schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at INTEGER NOT NULL)
        """

    // Times are INTEGER microseconds since 1970 (UTC); ids are lower-case UUID text; fields are JSON text.
    static let all: [Migration] = [
        Migration(version: 1, name: "users, cases and their append-only history", statements: [
            """
            CREATE TABLE users (
                name TEXT PRIMARY KEY,
                roles TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                created_by TEXT)
            """,
            """
            CREATE TABLE reference_counters (
                prefix TEXT NOT NULL,
                year INTEGER NOT NULL,
                last_number INTEGER NOT NULL,
                PRIMARY KEY (prefix, year))
            """,
            """
            CREATE TABLE cases (
                id TEXT PRIMARY KEY,
                reference TEXT NOT NULL UNIQUE,
                workflow TEXT NOT NULL,
                definition_version INTEGER NOT NULL,
                state TEXT NOT NULL,
                previous_state TEXT,
                state_entered_at INTEGER NOT NULL,
                version INTEGER NOT NULL CHECK (version > 0),
                fields TEXT NOT NULL,
                parent_id TEXT REFERENCES cases (id),
                assignee TEXT,
                due_at INTEGER,
                created_by TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_by TEXT NOT NULL,
                updated_at INTEGER NOT NULL)
            """,
            "CREATE INDEX cases_workflow_state ON cases (workflow, state)",
            "CREATE INDEX cases_parent ON cases (parent_id) WHERE parent_id IS NOT NULL",
            "CREATE INDEX cases_due ON cases (workflow, due_at) WHERE due_at IS NOT NULL",
            """
            CREATE TABLE case_events (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                case_id TEXT NOT NULL REFERENCES cases (id),
                case_version INTEGER NOT NULL,
                kind TEXT NOT NULL,
                transition TEXT,
                from_state TEXT,
                to_state TEXT,
                actor TEXT NOT NULL,
                role TEXT,
                reason TEXT,
                fields TEXT NOT NULL,
                at INTEGER NOT NULL,
                idempotency_key TEXT UNIQUE,
                request_hash TEXT,
                recorded_at INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000000 AS INTEGER)),
                UNIQUE (case_id, case_version))
            """,
            "CREATE INDEX case_events_latest_transition ON case_events (case_id, transition, seq) WHERE transition IS NOT NULL",
            // The history is evidence: the database itself refuses to rewrite it.
            """
            CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
            BEGIN SELECT RAISE(ABORT, 'case_events is append-only: UPDATE is refused'); END
            """,
            """
            CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
            BEGIN SELECT RAISE(ABORT, 'case_events is append-only: DELETE is refused'); END
            """,
        ]),
        Migration(version: 2, name: "outcome totals and unique-field claims", statements: [
            "ALTER TABLE cases ADD COLUMN outcomes TEXT NOT NULL DEFAULT '{}'",
            """
            CREATE TABLE case_unique_values (
                workflow TEXT NOT NULL,
                field TEXT NOT NULL,
                value TEXT NOT NULL,
                case_id TEXT NOT NULL REFERENCES cases (id),
                PRIMARY KEY (workflow, field, value))
            """,
            "CREATE INDEX case_unique_values_case ON case_unique_values (case_id)",
        ]),
        Migration(version: 3, name: "stage intervals projection", statements: [
            """
            CREATE TABLE stage_intervals (
                case_id TEXT NOT NULL REFERENCES cases (id),
                workflow TEXT NOT NULL,
                state TEXT NOT NULL,
                entered_at INTEGER NOT NULL,
                left_at INTEGER,
                entered_seq INTEGER NOT NULL,
                PRIMARY KEY (case_id, entered_seq))
            """,
            "CREATE INDEX stage_intervals_entered ON stage_intervals (workflow, entered_at, state)",
            "CREATE INDEX stage_intervals_left ON stage_intervals (workflow, left_at, state) WHERE left_at IS NOT NULL",
            "CREATE INDEX stage_intervals_flow ON stage_intervals (workflow, state, entered_at)",
            "CREATE INDEX stage_intervals_duration ON stage_intervals (workflow, state, (left_at - entered_at)) WHERE left_at IS NOT NULL",
            "CREATE INDEX stage_intervals_open ON stage_intervals (case_id) WHERE left_at IS NULL",
            """
            INSERT INTO stage_intervals (case_id, workflow, state, entered_at, left_at, entered_seq)
            SELECT e.case_id, c.workflow, e.to_state, e.at, lead(e.at) OVER moves, e.seq
            FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE e.to_state IS NOT NULL AND e.from_state IS NOT e.to_state
            WINDOW moves AS (PARTITION BY e.case_id ORDER BY e.at, e.seq)
            """,
        ]),
        Migration(version: 4, name: "timer leases", statements: [
            "ALTER TABLE cases ADD COLUMN timer_claimed_until INTEGER",
        ]),
        Migration(version: 5, name: "drop the stage duration index", statements: [
            "DROP INDEX IF EXISTS stage_intervals_duration",
        ]),
        // Each history row that moves a case closes its open stay and opens the next, inside the insert itself:
        // the projection cannot be left behind, and a transition costs no extra statements.
        Migration(version: 6, name: "stage intervals follow the history", statements: [
            """
            CREATE TRIGGER stage_intervals_follow_history AFTER INSERT ON case_events
            WHEN NEW.to_state IS NOT NULL AND NEW.to_state IS NOT NEW.from_state
            BEGIN
                UPDATE stage_intervals SET left_at = NEW.at WHERE case_id = NEW.case_id AND left_at IS NULL;
                INSERT INTO stage_intervals (case_id, workflow, state, entered_at, entered_seq)
                SELECT NEW.case_id, workflow, NEW.to_state, NEW.at, NEW.seq FROM cases WHERE id = NEW.case_id;
            END
            """,
            // A case's open stay is found through the primary key among its few stays.
            "DROP INDEX IF EXISTS stage_intervals_open",
        ]),
    ]
}
