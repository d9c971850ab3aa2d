import Foundation
import PostgresNIO
import PostgresBackend
import SQLiteBackend
import StoreSelection
import WorkflowEngine

/// A transition as a hand-written application would send it to PostgreSQL: one transaction of two prepared statements.
struct RawPostgresTransition: StepWriter {
    let database: RawDatabase

    func write(_ step: TransitionStep, case id: UUID, fromVersion version: Int) async throws {
        let now = Date.benchmarkNow
        let logger = database.logger
        try await database.client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                var updated = false
                for try await _ in try await connection.execute(
                    RawCaseUpdate(step: step, id: id, version: version, at: now), logger: logger) {
                    updated = true
                }
                guard updated else { throw BenchmarkError.lostTrack(of: id, atVersion: version) }
                for try await _ in try await connection.execute(
                    RawEventInsert(step: step, id: id, version: version, at: now), logger: logger) {}
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }
}

/// Moves the case if it is still at the version the worker last wrote (optimistic, as the engine does).
struct RawCaseUpdate: PostgresPreparedStatement {
    static let name = "rsobench_raw_case_update"
    static let sql = """
        UPDATE cases SET state = $1, previous_state = $2, state_entered_at = $3, version = version + 1,
            fields = fields || $4::jsonb, due_at = $5, updated_by = $6, updated_at = $3
        WHERE id = $7 AND version = $8
        RETURNING id
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .text, .timestamptz, .text, .timestamptz, .text, .uuid, .int8]
    typealias Row = UUID

    let step: TransitionStep
    let id: UUID
    let version: Int
    let at: Date

    func makeBindings() -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(step.to)
        binds.append(step.from)
        binds.append(at)
        binds.append(JSONCoding.string(step.fields))
        binds.append(step.dueInDays.map { at.addingTimeInterval(Double($0) * 86_400) })
        binds.append(step.actor)
        binds.append(id)
        binds.append(version)
        return binds
    }

    func decodeRow(_ row: PostgresRow) throws -> UUID { try row.decode(UUID.self) }
}

/// The history row, with the columns `PostgresStore.apply` writes.
struct RawEventInsert: PostgresPreparedStatement {
    static let name = "rsobench_raw_event_insert"
    static let sql = """
        INSERT INTO case_events (case_id, case_version, kind, transition, from_state, to_state, actor, role,
                                 reason, fields, at, idempotency_key, request_hash)
        VALUES ($1, $2, 'transition', $3, $4, $5, $6, $7, NULL, $8::jsonb, $9, NULL, NULL)
        RETURNING seq
        """
    static let bindingDataTypes: [PostgresDataType] = [.uuid, .int8, .text, .text, .text, .text, .text, .text, .timestamptz]
    typealias Row = Int64

    let step: TransitionStep
    let id: UUID
    let version: Int
    let at: Date

    func makeBindings() -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(id)
        binds.append(version + 1)
        binds.append(step.transition)
        binds.append(step.from)
        binds.append(step.to)
        binds.append(step.actor)
        binds.append(step.role.rawValue)
        binds.append(JSONCoding.string(step.fields))
        binds.append(at)
        return binds
    }

    func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
}

extension Date {
    /// Now, to the microsecond, as the engine stores times.
    static var benchmarkNow: Date { Date().storagePrecision }
}

extension BenchmarkError {
    /// A raw write found its case at another version: the harness, not the database, is wrong.
    static func lostTrack(of id: UUID, atVersion version: Int) -> BenchmarkError {
        BenchmarkError("raw SQL found case \(id) no longer at version \(version): the benchmark lost track of it")
    }
}
