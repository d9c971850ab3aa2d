import WorkflowEngine

/// The schema as SQLite spells it, and what only SQLite runs. Times are INTEGER microseconds since 1970 (UTC); ids
/// are lower-case UUID text; fields are JSON text.
struct SQLiteSchema: SQLDialect {
    static let ledger = """
        CREATE TABLE IF NOT EXISTS rso_schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at INTEGER NOT NULL)
        """

    let text = "TEXT"
    let integer = "INTEGER"
    let bigInteger = "INTEGER"
    let boolean = "INTEGER"
    let identifier = "TEXT"
    let instant = "INTEGER"
    let json = "TEXT"
    /// A JSON array of texts.
    let textList = "TEXT"
    let sequenceKey = "INTEGER PRIMARY KEY AUTOINCREMENT"
    /// An alias of the rowid.
    let rowKey = "INTEGER PRIMARY KEY"
    let now = "(CAST(unixepoch('subsec') * 1000000 AS INTEGER))"
    let descendingSeq = ""

    /// SQLite has no INCLUDE: the payload columns are trailing keys.
    func covering(_ keys: [String], with payload: [String]) -> String { "(\((keys + payload).joined(separator: ", ")))" }

    func distinct(_ left: String, _ right: String) -> String { "\(left) IS NOT \(right)" }

    func ownStatements(for version: SchemaVersion) -> [String] {
        switch version {
        case .casesAndHistory:
            return [
                // The history is evidence: the database itself refuses to rewrite it.
                """
                CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
                BEGIN SELECT RAISE(ABORT, 'case_events is append-only: UPDATE is refused'); END
                """,
                """
                CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
                BEGIN SELECT RAISE(ABORT, 'case_events is append-only: DELETE is refused'); END
                """,
            ]
        // Each history row that moves a case closes its open stay and opens the next, inside the insert itself: the
        // projection cannot be left behind, and a transition costs no extra statements.
        case .openStayByKey:
            return [
                """
                CREATE TRIGGER stage_intervals_follow_history AFTER INSERT ON case_events
                WHEN NEW.to_state IS NOT NULL AND NEW.to_state IS NOT NEW.from_state
                BEGIN
                    UPDATE stage_intervals SET left_at = NEW.at WHERE case_id = NEW.case_id AND left_at IS NULL;
                    INSERT INTO stage_intervals (case_id, workflow, state, entered_at, entered_seq)
                    SELECT NEW.case_id, workflow, NEW.to_state, NEW.at, NEW.seq FROM cases WHERE id = NEW.case_id;
                END
                """,
            ]
        // The history is evidence on any connection, including the `sqlite3` shell's (foreign keys off by default).
        // `INSERT OR REPLACE` deletes the row it collides with without firing a DELETE trigger: refuse every insert
        // that collides with an event, a case or its reference before conflict resolution runs; and refuse to delete
        // (or re-key) a case that has history whether or not the connection enforces foreign keys.
        case .historyCannotBeReplaced:
            return [
                """
                CREATE TRIGGER case_events_no_replace BEFORE INSERT ON case_events
                WHEN EXISTS (SELECT 1 FROM case_events WHERE seq = NEW.seq)
                  OR EXISTS (SELECT 1 FROM case_events WHERE case_id = NEW.case_id AND case_version = NEW.case_version)
                  OR (NEW.idempotency_key IS NOT NULL
                      AND EXISTS (SELECT 1 FROM case_events WHERE idempotency_key = NEW.idempotency_key))
                BEGIN SELECT RAISE(ABORT, 'case_events is append-only: an insert colliding with an existing event is refused'); END
                """,
                """
                CREATE TRIGGER cases_no_replace BEFORE INSERT ON cases
                WHEN EXISTS (SELECT 1 FROM cases WHERE id = NEW.id OR reference = NEW.reference)
                BEGIN SELECT RAISE(ABORT, 'cases: an insert colliding with an existing case is refused (it would delete it)'); END
                """,
                """
                CREATE TRIGGER cases_keep_history BEFORE DELETE ON cases
                WHEN EXISTS (SELECT 1 FROM case_events WHERE case_id = OLD.id)
                BEGIN SELECT RAISE(ABORT, 'cases: a case with history cannot be deleted'); END
                """,
                """
                CREATE TRIGGER cases_keep_id BEFORE UPDATE OF id ON cases
                WHEN NEW.id IS NOT OLD.id
                BEGIN SELECT RAISE(ABORT, 'cases: a case id cannot change (its history refers to it)'); END
                """,
            ]
        // A user's log of changes is evidence, as the history is.
        case .userChanges:
            return [
                """
                CREATE TRIGGER user_changes_no_update BEFORE UPDATE ON user_changes
                BEGIN SELECT RAISE(ABORT, 'user_changes is append-only: UPDATE is refused'); END
                """,
                """
                CREATE TRIGGER user_changes_no_delete BEFORE DELETE ON user_changes
                BEGIN SELECT RAISE(ABORT, 'user_changes is append-only: DELETE is refused'); END
                """,
                """
                CREATE TRIGGER user_changes_no_replace BEFORE INSERT ON user_changes
                WHEN EXISTS (SELECT 1 FROM user_changes WHERE id = NEW.id)
                BEGIN SELECT RAISE(ABORT, 'user_changes is append-only: an insert colliding with an existing change is refused'); END
                """,
            ]
        case .accessLog:
            return [
                """
                CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
                BEGIN SELECT RAISE(ABORT, 'access_log is append-only: UPDATE is refused'); END
                """,
                """
                CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
                BEGIN SELECT RAISE(ABORT, 'access_log is append-only: DELETE is refused'); END
                """,
                // As for the history (version 12): INSERT OR REPLACE would delete the entry it collides with.
                """
                CREATE TRIGGER access_log_no_replace BEFORE INSERT ON access_log
                WHEN EXISTS (SELECT 1 FROM access_log WHERE id = NEW.id)
                BEGIN SELECT RAISE(ABORT, 'access_log is append-only: an insert colliding with an entry is refused'); END
                """,
            ]
        // PostgreSQL's metric summaries and time-to-reach column: SQLite reads the stays themselves. The overwritten
        // fields were a PostgreSQL defect only.
        case .stageSummaries, .timeToFirstReach, .fieldsOverwrittenByOutcomesRestored:
            return []
        case .outcomeTotalsAndUniqueValues, .stageIntervals, .timerLeases, .noStageDurationIndex, .outcomeEventsByTime,
             .imports, .historyChain, .caseKeys, .apiTokens, .passwordsAndWebSessions, .workListIndex:
            return []
        }
    }

    /// SQLite files made before the one list numbered four versions apart (6–9, each now as PostgreSQL numbers it).
    /// Renumbered in the ledger once, highest first so that no number is taken twice, matched by version and name.
    static let formerNumbers: [(was: Int, name: String, now: SchemaVersion)] = [
        (9, "outcome events by time", .outcomeEventsByTime),
        (8, "imports", .imports),
        (7, "history cannot be replaced, nor its case deleted", .historyCannotBeReplaced),
        (6, "stage intervals follow the history", .openStayByKey),
    ]
}
