import Foundation

/// The one numbered list of schema versions that both stores follow. A version is never renumbered and its statements
/// never change once released: a store records each version it applied in `rso_schema_migrations`.
///
/// What the stores share (the tables, their columns and indexes) is written once here, in the SQL both understand,
/// with each store's names for types (`SQLDialect`). What only one store needs (PostgreSQL's history triggers and
/// metric summaries, SQLite's projection trigger and its guards against `INSERT OR REPLACE`) the store adds itself;
/// a version may hold nothing for a store, and is then recorded as applied with no statement run.
public enum SchemaVersion: Int, CaseIterable, Sendable, Comparable {
    case casesAndHistory = 1
    case outcomeTotalsAndUniqueValues = 2
    case stageIntervals = 3
    case timerLeases = 4
    case noStageDurationIndex = 5
    case stageSummaries = 6
    case timeToFirstReach = 7
    case openStayByKey = 8
    case fieldsOverwrittenByOutcomesRestored = 9
    case outcomeEventsByTime = 10
    case imports = 11
    case historyCannotBeReplaced = 12
    case userChanges = 13
    case historyChain = 14
    case accessLog = 15
    case caseKeys = 16
    case apiTokens = 17
    case passwordsAndWebSessions = 18
    case workListIndex = 19

    /// As `db status` lists it, and as the ledger records it.
    public var name: String {
        switch self {
        case .casesAndHistory: return "users, cases and their append-only history"
        case .outcomeTotalsAndUniqueValues: return "outcome totals and unique-field claims"
        case .stageIntervals: return "stage intervals projection"
        case .timerLeases: return "timer leases"
        case .noStageDurationIndex: return "drop the stage duration index"
        case .stageSummaries: return "stage summaries"
        case .timeToFirstReach: return "time to first reach each state"
        case .openStayByKey: return "drop the open stay index"
        case .fieldsOverwrittenByOutcomesRestored: return "restore fields that recorded outcomes overwrote"
        case .outcomeEventsByTime: return "outcome events by time"
        case .imports: return "imports"
        case .historyCannotBeReplaced: return "history cannot be replaced, nor its case deleted"
        case .userChanges: return "user changes and disabled users"
        case .historyChain: return "each event linked to the one before it"
        case .accessLog: return "who was shown personal data, when and why"
        case .caseKeys: return "each case's own key for its personal data"
        case .apiTokens: return "API tokens, kept as hashes"
        case .passwordsAndWebSessions: return "passwords and web sessions, kept as hashes"
        case .workListIndex: return "cases by state in due-date order"
        }
    }

    public static func < (left: SchemaVersion, right: SchemaVersion) -> Bool { left.rawValue < right.rawValue }

    /// Every statement that brings a store of `dialect` to this version: the shared ones, then the store's own.
    package func statements(in dialect: some SQLDialect) -> [String] {
        shared(dialect) + dialect.ownStatements(for: self)
    }

    /// The versions not yet in `applied`, in order.
    package static func pending(applied: [Int: Date]) -> [SchemaVersion] {
        allCases.filter { applied[$0.rawValue] == nil }
    }

    /// Every version, with when it was applied (nil: not yet).
    package static func status(applied: [Int: Date]) -> [MigrationStatus] {
        allCases.map { MigrationStatus(version: $0.rawValue, name: $0.name, appliedAt: applied[$0.rawValue]) }
    }

    /// The statements both stores run for this version.
    private func shared(_ sql: some SQLDialect) -> [String] {
        switch self {
        case .casesAndHistory:
            return [
                """
                CREATE TABLE users (
                    name \(sql.text) PRIMARY KEY,
                    roles \(sql.textList) NOT NULL,
                    created_at \(sql.instant) NOT NULL,
                    created_by \(sql.text))
                """,
                """
                CREATE TABLE reference_counters (
                    prefix \(sql.text) NOT NULL,
                    year \(sql.integer) NOT NULL,
                    last_number \(sql.integer) NOT NULL,
                    PRIMARY KEY (prefix, year))
                """,
                """
                CREATE TABLE cases (
                    id \(sql.identifier) PRIMARY KEY,
                    reference \(sql.text) NOT NULL UNIQUE,
                    workflow \(sql.text) NOT NULL,
                    definition_version \(sql.integer) NOT NULL,
                    state \(sql.text) NOT NULL,
                    previous_state \(sql.text),
                    state_entered_at \(sql.instant) NOT NULL,
                    version \(sql.integer) NOT NULL CHECK (version > 0),
                    fields \(sql.json) NOT NULL,
                    parent_id \(sql.identifier) REFERENCES cases (id),
                    assignee \(sql.text),
                    due_at \(sql.instant),
                    created_by \(sql.text) NOT NULL,
                    created_at \(sql.instant) NOT NULL,
                    updated_by \(sql.text) NOT NULL,
                    updated_at \(sql.instant) NOT NULL)
                """,
                "CREATE INDEX cases_workflow_state ON cases (workflow, state)",
                "CREATE INDEX cases_parent ON cases (parent_id) WHERE parent_id IS NOT NULL",
                "CREATE INDEX cases_due ON cases (workflow, due_at) WHERE due_at IS NOT NULL",
                """
                CREATE TABLE case_events (
                    seq \(sql.sequenceKey),
                    case_id \(sql.identifier) NOT NULL REFERENCES cases (id),
                    case_version \(sql.integer) NOT NULL,
                    kind \(sql.text) NOT NULL,
                    transition \(sql.text),
                    from_state \(sql.text),
                    to_state \(sql.text),
                    actor \(sql.text) NOT NULL,
                    role \(sql.text),
                    reason \(sql.text),
                    fields \(sql.json) NOT NULL,
                    at \(sql.instant) NOT NULL,
                    idempotency_key \(sql.text) UNIQUE,
                    request_hash \(sql.text),
                    recorded_at \(sql.instant) NOT NULL DEFAULT \(sql.now),
                    UNIQUE (case_id, case_version))
                """,
                "CREATE INDEX case_events_latest_transition ON case_events (case_id, transition, seq\(sql.descendingSeq)) WHERE transition IS NOT NULL",
            ]
        case .outcomeTotalsAndUniqueValues:
            return [
                "ALTER TABLE cases ADD COLUMN outcomes \(sql.json) NOT NULL DEFAULT '{}'",
                """
                CREATE TABLE case_unique_values (
                    workflow \(sql.text) NOT NULL,
                    field \(sql.text) NOT NULL,
                    value \(sql.text) NOT NULL,
                    case_id \(sql.identifier) NOT NULL REFERENCES cases (id),
                    PRIMARY KEY (workflow, field, value))
                """,
                "CREATE INDEX case_unique_values_case ON case_unique_values (case_id)",
            ]
        case .stageIntervals:
            // Where each case stood when: stage counts as of any date, flows and durations never scan the history.
            return [
                """
                CREATE TABLE stage_intervals (
                    case_id \(sql.identifier) NOT NULL REFERENCES cases (id),
                    workflow \(sql.text) NOT NULL,
                    state \(sql.text) NOT NULL,
                    entered_at \(sql.instant) NOT NULL,
                    left_at \(sql.instant),
                    entered_seq \(sql.bigInteger) NOT NULL,
                    PRIMARY KEY (case_id, entered_seq))
                """,
                "CREATE INDEX stage_intervals_entered ON stage_intervals \(sql.covering(["workflow", "entered_at"], with: ["state"]))",
                "CREATE INDEX stage_intervals_left ON stage_intervals \(sql.covering(["workflow", "left_at"], with: ["state"])) WHERE left_at IS NOT NULL",
                "CREATE INDEX stage_intervals_flow ON stage_intervals (workflow, state, entered_at)",
                "CREATE INDEX stage_intervals_duration ON stage_intervals (workflow, state, (left_at - entered_at)) WHERE left_at IS NOT NULL",
                "CREATE INDEX stage_intervals_open ON stage_intervals (case_id) WHERE left_at IS NULL",
                """
                INSERT INTO stage_intervals (case_id, workflow, state, entered_at, left_at, entered_seq)
                SELECT e.case_id, c.workflow, e.to_state, e.at, lead(e.at) OVER moves, e.seq
                FROM case_events e JOIN cases c ON c.id = e.case_id
                WHERE e.to_state IS NOT NULL AND \(sql.distinct("e.from_state", "e.to_state"))
                WINDOW moves AS (PARTITION BY e.case_id ORDER BY e.at, e.seq)
                """,
            ]
        case .timerLeases:
            // Timers lease due cases so that parallel runners fire each once.
            return ["ALTER TABLE cases ADD COLUMN timer_claimed_until \(sql.instant)"]
        case .noStageDurationIndex:
            // Measured at 1M cases on PostgreSQL: the planner used this index to skip a sort and then read ~5M heap
            // pages at random (20 s); a sequential scan and sort takes a third of that, and every write is cheaper.
            return ["DROP INDEX IF EXISTS stage_intervals_duration"]
        case .openStayByKey:
            // A case's open stay is found through the primary key among its few stays: this index only cost every
            // transition an index write.
            return ["DROP INDEX IF EXISTS stage_intervals_open"]
        case .outcomeEventsByTime:
            // `metrics outcomes --from/--to` reads the outcome events of a period: this index holds only those, so
            // the period is one index range and no other event is read (transitions never touch it).
            return ["CREATE INDEX case_events_outcomes ON case_events \(sql.covering(["at"], with: ["case_id"])) WHERE kind = 'outcome'"]
        case .imports:
            // Every import, in the same transaction as its rows: the same file is not loaded twice by mistake, and a
            // retry under an idempotency key returns the first result.
            return [
                """
                CREATE TABLE imports (
                    id \(sql.rowKey),
                    workflow \(sql.text) NOT NULL, sha256 \(sql.text) NOT NULL, file \(sql.text) NOT NULL, row_count \(sql.bigInteger) NOT NULL,
                    actor \(sql.text) NOT NULL, imported_at \(sql.instant) NOT NULL, again \(sql.boolean) NOT NULL,
                    idempotency_key \(sql.text) UNIQUE, reference_prefix \(sql.text) NOT NULL, reference_blocks \(sql.text) NOT NULL)
                """,
                "CREATE INDEX imports_file ON imports (workflow, sha256)",
            ]
        case .userChanges:
            // A user is disabled, never deleted (the history names them). Every change to a user (added, disabled,
            // enabled, roles) is one row, written in the same transaction as the change: who, when, what and why.
            // The users added before this version get their addition recorded from what the users table kept.
            return [
                "ALTER TABLE users ADD COLUMN disabled_at \(sql.instant)",
                """
                CREATE TABLE user_changes (
                    id \(sql.rowKey),
                    user_name \(sql.text) NOT NULL REFERENCES users (name),
                    kind \(sql.text) NOT NULL CHECK (kind IN ('added', 'disabled', 'enabled', 'roles')),
                    actor \(sql.text),
                    at \(sql.instant) NOT NULL,
                    roles_added \(sql.textList),
                    roles_removed \(sql.textList),
                    reason \(sql.text))
                """,
                "CREATE INDEX user_changes_user ON user_changes (user_name, at)",
                """
                INSERT INTO user_changes (user_name, kind, actor, at, roles_added)
                SELECT name, 'added', created_by, created_at, roles FROM users ORDER BY created_at, name
                """,
            ]
        case .historyChain:
            // Tamper evidence (`HistoryChain`): events recorded before this version carry no link.
            return [
                "ALTER TABLE case_events ADD COLUMN chain \(sql.text)",
                "ALTER TABLE cases ADD COLUMN chain_head \(sql.text)",
            ]
        case .accessLog:
            // Append-only, as the history (each store adds its triggers): `rsoctl audit access` lists it.
            return [
                """
                CREATE TABLE access_log (
                    id \(sql.rowKey),
                    at \(sql.instant) NOT NULL,
                    actor \(sql.text) NOT NULL,
                    action \(sql.text) NOT NULL,
                    workflow \(sql.text),
                    cases \(sql.json) NOT NULL,
                    query \(sql.text),
                    purpose \(sql.text))
                """,
                "CREATE INDEX access_log_at ON access_log (at)",
                "CREATE INDEX access_log_actor ON access_log (actor, at)",
            ]
        case .caseKeys:
            // Personal values are sealed under a key of the case's own, wrapped by the master key (`CaseSealing`);
            // deleting it erases them from the case and its whole history.
            return ["ALTER TABLE cases ADD COLUMN case_key \(sql.text)"]
        case .apiTokens:
            // A token is kept as the SHA-256 of its text; revoked, never deleted (who issued and revoked it stays known).
            return [
                """
                CREATE TABLE api_tokens (
                    id \(sql.text) PRIMARY KEY,
                    user_name \(sql.text) NOT NULL REFERENCES users (name),
                    token_hash \(sql.text) NOT NULL UNIQUE,
                    created_at \(sql.instant) NOT NULL,
                    created_by \(sql.text) NOT NULL,
                    expires_at \(sql.instant) NOT NULL,
                    revoked_at \(sql.instant),
                    revoked_by \(sql.text))
                """,
                "CREATE INDEX api_tokens_user ON api_tokens (user_name, created_at)",
            ]
        case .workListIndex:
            // A work list reads each state's cases soonest due first, the oldest first among equals: from the index
            // alone, however many cases stand in the state. It serves every lookup by state the old index served.
            return [
                "CREATE INDEX cases_work ON cases (workflow, state, due_at, created_at)",
                "DROP INDEX IF EXISTS cases_workflow_state",
            ]
        case .workListIndex:
            // A work list reads each state's cases soonest due first, the oldest first among equals: from the index
            // alone, however many cases stand in the state. It serves every lookup by state the old index served.
            return [
                "CREATE INDEX cases_work ON cases (workflow, state, due_at, created_at)",
                "DROP INDEX IF EXISTS cases_workflow_state",
            ]
        case .passwordsAndWebSessions:
            // A password is kept as a bcrypt hash, a session as the SHA-256 of its cookie; sessions end, never vanish.
            return [
                """
                CREATE TABLE user_passwords (
                    user_name \(sql.text) PRIMARY KEY REFERENCES users (name),
                    password_hash \(sql.text) NOT NULL,
                    set_at \(sql.instant) NOT NULL,
                    set_by \(sql.text) NOT NULL,
                    failures \(sql.integer) NOT NULL DEFAULT 0,
                    locked_until \(sql.instant))
                """,
                """
                CREATE TABLE web_sessions (
                    session_hash \(sql.text) PRIMARY KEY,
                    user_name \(sql.text) NOT NULL REFERENCES users (name),
                    csrf \(sql.text) NOT NULL,
                    created_at \(sql.instant) NOT NULL,
                    last_seen_at \(sql.instant) NOT NULL,
                    ended_at \(sql.instant))
                """,
                "CREATE INDEX web_sessions_user ON web_sessions (user_name, created_at)",
            ]
        case .stageSummaries, .timeToFirstReach, .fieldsOverwrittenByOutcomesRestored, .historyCannotBeReplaced:
            return []
        }
    }
}

/// How one store spells what the shared schema needs, and what it adds of its own to each version.
package protocol SQLDialect: Sendable {
    var text: String { get }
    var integer: String { get }
    var bigInteger: String { get }
    var boolean: String { get }
    /// A case id.
    var identifier: String { get }
    /// A point in time.
    var instant: String { get }
    /// A JSON object or value.
    var json: String { get }
    /// A list of short texts (a user's roles).
    var textList: String { get }
    /// The history's increasing key, with its PRIMARY KEY clause.
    var sequenceKey: String { get }
    /// A table's generated row key, with its PRIMARY KEY clause.
    var rowKey: String { get }
    /// The time a statement runs, as a column default.
    var now: String { get }
    /// ` DESC` where the store's index on the latest transition is read backwards.
    var descendingSeq: String { get }
    /// An index's column list holding `keys`, and `payload` to read without visiting the table.
    func covering(_ keys: [String], with payload: [String]) -> String
    /// `left` and `right` differ, NULL counting as a value.
    func distinct(_ left: String, _ right: String) -> String
    /// What only this store runs for `version`, after the shared statements.
    func ownStatements(for version: SchemaVersion) -> [String]
}
