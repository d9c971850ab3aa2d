import Foundation
import PostgresNIO
import PostgresBackend
import SQLiteBackend
import StoreSelection
import WorkflowEngine

/// The statement `PostgresStore.apply` sends for a transition, written out with numbered parameters,
/// with or without its two projection parts (close the open stay, open the new one).
enum TransitionSQL {
    static func write(projection: Bool) -> String {
        let projectionParts = projection ? """
            ,
            left_stage AS (
                UPDATE stage_intervals SET left_at = $15
                WHERE case_id IN (SELECT id FROM updated) AND left_at IS NULL
                RETURNING case_id),
            entered_stage AS (
                INSERT INTO stage_intervals (case_id, workflow, state, entered_at, entered_seq)
                SELECT id, $14, $2, $15, seq FROM updated, event
                RETURNING case_id)
            """ : ""
        return """
            WITH updated AS (
                UPDATE cases SET state = $2, previous_state = $3, state_entered_at = $15, version = $4,
                    fields = (fields || $5::jsonb) - $6::text[], outcomes = $7::jsonb,
                    assignee = $8, due_at = $9, updated_by = $10, updated_at = $15
                WHERE id = $1 AND version = $11
                RETURNING id),
            event AS (
                INSERT INTO case_events (case_id, case_version, kind, transition, from_state, to_state, actor, role,
                                         reason, fields, at, idempotency_key, request_hash)
                SELECT id, $4, 'transition', $12, $3, $2, $10, $13, $16, $5::jsonb, $15, $17, $17
                FROM updated
                RETURNING seq),
            released AS (
                DELETE FROM case_unique_values
                WHERE case_id IN (SELECT id FROM updated) AND field = ANY($6::text[])
                RETURNING case_id),
            claimed AS (
                INSERT INTO case_unique_values (workflow, field, value, case_id)
                SELECT $14, claim.field, claim.value, id
                FROM updated, unnest($6::text[], $6::text[]) AS claim (field, value)
                RETURNING case_id)\(projectionParts)
            SELECT seq FROM event
            """
    }

    static let parameterTypes: [PostgresDataType] = [
        .uuid, .text, .text, .int8, .text, .textArray, .text, .text, .timestamptz, .text, .int8, .text, .text, .text,
        .timestamptz, .text, .text,
    ]

    /// The values for moving case `id` (now at `version`) along `step`, at the current time.
    static func bindings(_ step: TransitionStep, case id: UUID, fromVersion version: Int) -> PostgresBindings {
        // Millisecond precision, as the engine stores times.
        let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1_000).rounded(.down) / 1_000)
        let none: [String] = [], noText: String? = nil
        var binds = PostgresBindings()
        binds.append(id)                                                            // $1 case
        binds.append(step.to)                                                       // $2 new state
        binds.append(step.from)                                                     // $3 previous state
        binds.append(version + 1)                                                   // $4 new version
        binds.append(JSONCoding.string(step.fields))                                // $5 fields set
        binds.append(none)                                                          // $6 fields cleared, unique claims
        binds.append("{}")                                                          // $7 outcomes
        binds.append(noText)                                                        // $8 assignee
        binds.append(step.dueInDays.map { now.addingTimeInterval(Double($0) * 86_400) }) // $9 due
        binds.append(step.actor)                                                    // $10
        binds.append(version)                                                       // $11 expected version
        binds.append(step.transition)                                               // $12
        binds.append(step.role.rawValue)                                            // $13
        binds.append(DatasetShape.workflow.id)                                      // $14
        binds.append(now)                                                           // $15 at
        binds.append(noText)                                                        // $16 reason
        binds.append(noText)                                                        // $17 idempotency key, request hash
        return binds
    }
}

/// The write as a named prepared statement: parsed and planned once per connection instead of on every call.
struct PreparedWriteWithProjection: PostgresPreparedStatement {
    static let name = "rsobench_write_with_projection"
    static let sql = TransitionSQL.write(projection: true)
    static let bindingDataTypes = TransitionSQL.parameterTypes
    typealias Row = Int64

    let binds: PostgresBindings
    func makeBindings() -> PostgresBindings { binds }
    func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
}

struct PreparedWriteWithoutProjection: PostgresPreparedStatement {
    static let name = "rsobench_write_without_projection"
    static let sql = TransitionSQL.write(projection: false)
    static let bindingDataTypes = TransitionSQL.parameterTypes
    typealias Row = Int64

    let binds: PostgresBindings
    func makeBindings() -> PostgresBindings { binds }
    func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
}
