import Foundation
import PostgresNIO
import WorkflowEngine

/// A statement the store sends on every request, prepared once per connection:
/// parsed and planned once instead of on every call (planning the write cost more than running it).
protocol StoreStatement: PostgresPreparedStatement where Row == PostgresRow {}

extension StoreStatement {
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}

extension PostgresStore {
    /// Runs a prepared statement and returns its rows.
    func rows(_ statement: some StoreStatement) async throws -> [PostgresRow] {
        try await run { connection in
            var rows: [PostgresRow] = []
            for try await row in try await connection.execute(statement, logger: logger) { rows.append(row) }
            return rows
        }
    }
}

/// The columns of a case, in the order `PostgresStore.caseRecord(_:from:)` reads them.
enum CaseColumns {
    static let names = [
        "id", "reference", "workflow", "definition_version", "state", "previous_state", "state_entered_at", "version",
        "fields::text", "parent_id", "assignee", "due_at", "created_by", "created_at", "updated_by", "updated_at",
        "outcomes::text", "chain_head", "case_key",
    ]

    /// The columns for a select list, qualified by a table alias when one is given.
    static func list(_ alias: String? = nil) -> String {
        names.map { column in alias.map { "\($0).\(column)" } ?? column }.joined(separator: ", ")
    }
}

/// Opens a case: reference counter, case, opened event, unique claims and the first stay, in one statement.
struct InsertCase: StoreStatement {
    static let sql = """
        WITH counter AS (
            INSERT INTO reference_counters (prefix, year, last_number) VALUES ($1, $2, 1)
            ON CONFLICT (prefix, year) DO UPDATE SET last_number = reference_counters.last_number + 1
            RETURNING last_number),
        inserted AS (
            INSERT INTO cases (id, reference, workflow, definition_version, state, previous_state, state_entered_at,
                               version, fields, parent_id, assignee, due_at, created_by, created_at, updated_by, updated_at,
                               chain_head, case_key)
            SELECT $3, \(CaseReference.sql(prefix: "$1", year: "$2", number: "last_number")),
                   $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15, $16, $17, $29, $31
            FROM counter
            RETURNING id, reference),
        event AS (
            INSERT INTO case_events (case_id, case_version, kind, to_state, actor, role, reason, fields, at,
                                     idempotency_key, request_hash, chain)
            SELECT id, $18, $19, $20, $21, $22, $23, $30::jsonb, $24, $25, $26, $29
            FROM inserted
            RETURNING seq),
        claimed AS (
            INSERT INTO case_unique_values (workflow, field, value, case_id)
            SELECT $4, claim.field, claim.value, id
            FROM inserted, unnest($27::text[], $28::text[]) AS claim (field, value)
            RETURNING case_id),
        interval AS (
            INSERT INTO stage_intervals (case_id, workflow, state, entered_at, entered_seq, reached_ms)
            SELECT id, $4, $6, $8, seq, 0 FROM inserted, event
            RETURNING case_id),
        \(PostgresStore.staleSummary(workflow: "$4", at: "$8", when: "EXISTS (SELECT 1 FROM inserted)"))
        SELECT reference FROM inserted, event
        """
    static let bindingDataTypes: [PostgresDataType] = [
        .text, .int8, .uuid, .text, .int8, .text, .text, .timestamptz, .int8, .text, .uuid, .text, .timestamptz,
        .text, .timestamptz, .text, .timestamptz,
        .int8, .text, .text, .text, .text, .text, .timestamptz, .text, .text, .textArray, .textArray, .text, .text, .text,
    ]

    let new: NewCase
    /// The case and its opened event with their history link, computed once (a SHA-256 over the event).
    let linked: (record: CaseRecord, event: EventRecord)

    init(new: NewCase) {
        self.new = new
        linked = new.linked
    }

    func makeBindings() throws -> PostgresBindings {
        let (c, e) = linked
        var b = PostgresBindings()
        b.append(new.referencePrefix); b.append(new.referenceYear); b.append(c.id); b.append(c.workflow)
        b.append(c.definitionVersion); b.append(c.state); b.append(c.previousState); b.append(c.stateEnteredAt)
        b.append(c.version); b.append(JSONCoding.string(c.fields)); b.append(c.parentID); b.append(c.assignee)
        b.append(c.dueAt); b.append(c.createdBy); b.append(c.createdAt); b.append(c.updatedBy); b.append(c.updatedAt)
        b.append(e.caseVersion); b.append(e.kind.rawValue); b.append(e.to); b.append(e.actor); b.append(e.role?.rawValue)
        b.append(e.reason); b.append(e.at); b.append(e.idempotencyKey); b.append(e.requestHash)
        b.append(new.claims.map(\.field)); b.append(new.claims.map(\.value)); b.append(c.chainHead)
        b.append(JSONCoding.string(e.fields)); b.append(c.caseKey)
        return b
    }
}

/// Applies a change if the case is still at its expected version: case, event, unique claims and stays, in one statement.
struct ApplyChange: StoreStatement {
    static let sql = """
        WITH updated AS (
            UPDATE cases SET state = $1, previous_state = $2, state_entered_at = $3, version = $4,
                fields = (fields || $5::jsonb) - $6::text[], outcomes = $7::jsonb,
                assignee = $8, due_at = $9, updated_by = $10, updated_at = $11, chain_head = $32,
                case_key = $34
            WHERE id = $12 AND version = $13
              AND ($33::text[] IS NULL OR EXISTS (
                  SELECT 1 FROM users u WHERE u.name = $19 AND u.disabled_at IS NULL AND u.roles @> $33 AND u.roles <@ $33))
            RETURNING id),
        event AS (
            INSERT INTO case_events (case_id, case_version, kind, transition, from_state, to_state, actor, role,
                                     reason, fields, at, idempotency_key, request_hash, chain)
            SELECT id, $14, $15, $16, $17, $18, $19, $20, $21, $22::jsonb, $23, $24, $25, $32
            FROM updated
            RETURNING seq),
        released AS (
            DELETE FROM case_unique_values
            WHERE case_id IN (SELECT id FROM updated) AND field = ANY($26::text[])
            RETURNING case_id),
        claimed AS (
            INSERT INTO case_unique_values (workflow, field, value, case_id)
            SELECT $27, claim.field, claim.value, id
            FROM updated, unnest($28::text[], $29::text[]) AS claim (field, value)
            RETURNING case_id),
        left_stage AS (
            UPDATE stage_intervals SET left_at = $23
            WHERE $30 AND case_id IN (SELECT id FROM updated) AND left_at IS NULL
            RETURNING case_id),
        entered_stage AS (
            INSERT INTO stage_intervals (case_id, workflow, state, entered_at, entered_seq, reached_ms)
            SELECT id, $27, $1, $23, seq,
                   CASE WHEN NOT EXISTS (SELECT 1 FROM stage_intervals s WHERE s.case_id = $12 AND s.state = $1)
                        THEN (extract(epoch FROM $23 - $31) * 1000)::bigint END
            FROM updated, event WHERE $30
            RETURNING case_id),
        \(PostgresStore.staleSummary(workflow: "$27", at: "$23", when: "$30 AND EXISTS (SELECT 1 FROM updated)"))
        SELECT seq FROM event
        """
    static let bindingDataTypes: [PostgresDataType] = [
        .text, .text, .timestamptz, .int8, .text, .textArray, .text, .text, .timestamptz, .text, .timestamptz, .uuid, .int8,
        .int8, .text, .text, .text, .text, .text, .text, .text, .text, .timestamptz, .text, .text,
        .textArray, .text, .textArray, .textArray, .bool, .timestamptz, .text, .textArray, .text,
    ]

    let change: CaseChange
    /// The case and its event with their history link, computed once (a SHA-256 over the event).
    let linked: (record: CaseRecord, event: EventRecord)

    init(change: CaseChange) {
        self.change = change
        linked = change.linked
    }

    func makeBindings() throws -> PostgresBindings {
        let (c, e) = linked
        // Only the changed fields travel: the stored document is patched, never re-sent whole. The patch is the
        // fields the event set, as the record now holds them; an event that sets no fields (an outcome's payload
        // is its counter and count, not case fields) leaves the document alone.
        let changed = e.kind.setsFields ? Array(e.fields.keys) : []
        let set = FieldValues(uniqueKeysWithValues: changed.compactMap { name in c.fields[name].map { (name, $0) } })
        let cleared = changed.filter { c.fields[$0] == nil }
        var b = PostgresBindings()
        b.append(c.state); b.append(c.previousState); b.append(c.stateEnteredAt); b.append(c.version)
        b.append(JSONCoding.string(set)); b.append(cleared); b.append(JSONCoding.string(c.outcomes)); b.append(c.assignee)
        b.append(c.dueAt); b.append(c.updatedBy); b.append(c.updatedAt); b.append(c.id); b.append(change.expectedVersion)
        b.append(e.caseVersion); b.append(e.kind.rawValue); b.append(e.transition); b.append(e.from); b.append(e.to)
        b.append(e.actor); b.append(e.role?.rawValue); b.append(e.reason); b.append(JSONCoding.string(e.fields)); b.append(e.at)
        b.append(e.idempotencyKey); b.append(e.requestHash)
        b.append(change.releases); b.append(c.workflow); b.append(change.claims.map(\.field)); b.append(change.claims.map(\.value))
        b.append(change.movesState); b.append(c.createdAt); b.append(c.chainHead); b.append(change.actorRoles?.map(\.rawValue))
        b.append(c.caseKey)
        return b
    }
}

/// The acting user, an earlier request under the idempotency key, the case with its parent's state and the latest
/// actors its guards compare with: everything a request reads before its decision, in one round trip.
enum ReadContext {
    static func sql(caseMatch: String) -> String {
        """
        SELECT u.roles, u.created_at, u.created_by, k.case_id, k.request_hash, \(CaseColumns.list("c")),
               (SELECT p.state FROM cases p WHERE p.id = c.parent_id),
               (SELECT jsonb_object_agg(t.transition, t.actor)::text FROM (
                    SELECT DISTINCT ON (e.transition) e.transition, e.actor FROM case_events e
                    WHERE e.case_id = c.id AND e.transition IS NOT NULL
                    ORDER BY e.transition, e.seq DESC) t),
               u.disabled_at
        FROM (SELECT 1) AS one
        LEFT JOIN users u ON u.name = $1
        LEFT JOIN case_events k ON k.idempotency_key = $2
        LEFT JOIN cases c ON \(caseMatch)
        """
    }

    struct ByID: StoreStatement {
        static let sql = ReadContext.sql(caseMatch: "c.id = $3")
        static let bindingDataTypes: [PostgresDataType] = [.text, .text, .uuid]
        let query: ContextQuery
        let id: UUID?
        func makeBindings() -> PostgresBindings { ReadContext.bindings(query, id) }
    }

    struct ByReference: StoreStatement {
        static let sql = ReadContext.sql(caseMatch: "c.reference = $3")
        static let bindingDataTypes: [PostgresDataType] = [.text, .text, .text]
        let query: ContextQuery
        let reference: String
        func makeBindings() -> PostgresBindings { ReadContext.bindings(query, reference) }
    }

    private static func bindings<Locator: PostgresDynamicTypeEncodable>(
        _ query: ContextQuery, _ locator: Locator?
    ) -> PostgresBindings {
        var b = PostgresBindings()
        b.append(query.actor); b.append(query.idempotencyKey); b.append(locator)
        return b
    }
}
