import WorkflowEngine

/// The schema as PostgreSQL spells it, and what only PostgreSQL runs. PostgresNIO sends one statement per query, so
/// each version is a list.
struct PostgresSchema: SQLDialect {
    static let ledger = """
        CREATE TABLE IF NOT EXISTS rso_schema_migrations (
            version integer PRIMARY KEY,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now())
        """

    /// What the application role may do on each table (`rsoctl db migrate --grant-to`): the history and the import
    /// ledger are insert-only; it owns nothing, so it can neither alter a table nor disable a trigger. Every table
    /// the schema creates must be listed: granting refuses a table that is not.
    static let applicationPrivileges: [String: String] = [
        "rso_schema_migrations": "SELECT",
        "users": "SELECT, INSERT, UPDATE",
        "reference_counters": "SELECT, INSERT, UPDATE",
        "cases": "SELECT, INSERT, UPDATE",
        "case_events": "SELECT, INSERT",
        "case_unique_values": "SELECT, INSERT, DELETE",
        "stage_intervals": "SELECT, INSERT, UPDATE",
        // Summaries are rebuilt: a stale one is deleted.
        "stage_summaries": "SELECT, INSERT, UPDATE, DELETE",
        "stage_snapshots": "SELECT, INSERT, UPDATE, DELETE",
        "stage_duration_days": "SELECT, INSERT, UPDATE, DELETE",
        "imports": "SELECT, INSERT",
        // A user's log of changes is append-only, as the history is.
        "user_changes": "SELECT, INSERT",
        "access_log": "SELECT, INSERT",
        // Revoking a token sets its revoked_at; none is deleted.
        "api_tokens": "SELECT, INSERT, UPDATE",
        // A password is replaced in place (upsert); a session is ended, never deleted.
        "user_passwords": "SELECT, INSERT, UPDATE",
        "web_sessions": "SELECT, INSERT, UPDATE",
    ]

    let text = "text"
    let integer = "integer"
    let bigInteger = "bigint"
    let boolean = "boolean"
    let identifier = "uuid"
    let instant = "timestamptz"
    let json = "jsonb"
    let textList = "text[]"
    let sequenceKey = "bigserial PRIMARY KEY"
    let rowKey = "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    let now = "now()"
    let descendingSeq = " DESC"

    func covering(_ keys: [String], with payload: [String]) -> String {
        "(\(keys.joined(separator: ", "))) INCLUDE (\(payload.joined(separator: ", ")))"
    }

    func distinct(_ left: String, _ right: String) -> String { "\(left) IS DISTINCT FROM \(right)" }

    func ownStatements(for version: SchemaVersion) -> [String] {
        switch version {
        case .casesAndHistory:
            return [
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
            ]
        // Summaries of the history before `covers_before` (NULL while the first is being built): stage counts at each
        // month start and the number of finished stays per whole day of duration. Metrics read a summary plus the
        // little that happened since, instead of every stay. A write dated more than five minutes back deletes its
        // workflow's row; the next metric rebuilds it.
        case .stageSummaries:
            return [
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
            ]
        // Time from opening to first reaching a state, kept on the stay that first reached it: "how long until
        // return" reads one index range instead of grouping every stay by case.
        case .timeToFirstReach:
            return [
                "ALTER TABLE stage_intervals ADD COLUMN reached_ms bigint",
                """
                UPDATE stage_intervals i SET reached_ms = (extract(epoch FROM i.entered_at - c.created_at) * 1000)::bigint
                FROM cases c, (SELECT DISTINCT ON (case_id, state) case_id, entered_seq FROM stage_intervals
                               ORDER BY case_id, state, entered_at, entered_seq) AS first
                WHERE first.case_id = i.case_id AND first.entered_seq = i.entered_seq AND c.id = i.case_id
                """,
                "CREATE INDEX stage_intervals_reached ON stage_intervals (workflow, state, reached_ms) WHERE reached_ms IS NOT NULL",
            ]
        // Recording an outcome used to merge the event's payload (`outcome`, `count`) into the case's fields, over
        // any field of those names. A case's fields are what its field-setting events left, in order: replay them.
        // (The kinds are written out: an applied version's text never changes, even if `EventKind.settingFields` does.)
        case .fieldsOverwrittenByOutcomesRestored:
            return [
                """
                DO $$
                DECLARE
                    damaged uuid;
                    change jsonb;
                    restored jsonb;
                BEGIN
                    FOR damaged IN SELECT DISTINCT case_id FROM case_events WHERE kind = 'outcome' LOOP
                        restored := '{}';
                        FOR change IN
                            SELECT fields FROM case_events
                            WHERE case_id = damaged AND kind IN ('opened', 'transition', 'field_update')
                            ORDER BY case_version
                        LOOP
                            restored := (restored || change)
                                - ARRAY(SELECT key FROM jsonb_each(change) WHERE jsonb_typeof(value) = 'null');
                        END LOOP;
                        UPDATE cases SET fields = restored WHERE id = damaged AND fields IS DISTINCT FROM restored;
                    END LOOP;
                END $$
                """,
            ]
        // Foreign keys are always enforced and an upsert never deletes a row: version 1's triggers are enough.
        case .historyCannotBeReplaced:
            return []
        // A user's log of changes is evidence, as the history is: the database itself refuses to rewrite it. (A
        // function of its own: version 15 makes the access log's, and either may be applied first.)
        case .userChanges:
            return [
                """
                CREATE FUNCTION rso_refuse_user_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END $$
                """,
                """
                CREATE TRIGGER user_changes_append_only BEFORE UPDATE OR DELETE ON user_changes
                    FOR EACH ROW EXECUTE FUNCTION rso_refuse_user_change()
                """,
                """
                CREATE TRIGGER user_changes_no_truncate BEFORE TRUNCATE ON user_changes
                    FOR EACH STATEMENT EXECUTE FUNCTION rso_refuse_user_change()
                """,
            ]
        case .accessLog:
            return [
                """
                CREATE FUNCTION rso_refuse_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END $$
                """,
                """
                CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
                    FOR EACH ROW EXECUTE FUNCTION rso_refuse_log_change()
                """,
                """
                CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
                    FOR EACH STATEMENT EXECUTE FUNCTION rso_refuse_log_change()
                """,
            ]
        case .outcomeTotalsAndUniqueValues, .stageIntervals, .timerLeases, .noStageDurationIndex, .openStayByKey,
             .outcomeEventsByTime, .imports, .historyChain, .caseKeys, .apiTokens, .passwordsAndWebSessions, .workListIndex:
            return []
        }
    }
}
