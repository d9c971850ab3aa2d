import Foundation
import Logging
import SQLiteNIO
import WorkflowEngine

/// A transition as a hand-written application would send it to SQLite: one write transaction of two statements.
///
/// One connection, one transaction at a time, as the engine's SQLite store works.
struct RawSQLiteTransition: StepWriter {
    let connection: SQLiteConnection
    let access = OneAtATime()

    /// Opens a second connection to the engine's file, with the settings the store uses, runs `body` and closes it.
    static func with<T: Sendable>(path: String, _ body: @Sendable (RawSQLiteTransition) async throws -> T) async throws -> T {
        var logger = Logger(label: "rsobench.sqlite")
        logger.logLevel = .error
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        do {
            _ = try await connection.query("PRAGMA busy_timeout = 15000", [])
            _ = try await connection.query("PRAGMA foreign_keys = ON", [])
            let result = try await body(RawSQLiteTransition(connection: connection))
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    func write(_ step: TransitionStep, case id: UUID, fromVersion version: Int) async throws {
        let at = SQLiteData.integer(Int(Date.benchmarkNow.microsecondsSince1970))
        let due = step.dueInDays.map { SQLiteData.integer(Int(Date.benchmarkNow.addingTimeInterval(Double($0) * 86_400).microsecondsSince1970)) }
            ?? .null
        let caseID = SQLiteData.text(id.uuidString.lowercased())
        let fields = SQLiteData.text(JSONCoding.string(step.fields))
        try await access.run {
            _ = try await connection.query("BEGIN IMMEDIATE", [])
            do {
                let updated = try await connection.query(
                    """
                    UPDATE cases SET state = ?, previous_state = ?, state_entered_at = ?, version = version + 1,
                        fields = json_patch(fields, ?), due_at = ?, updated_by = ?, updated_at = ?
                    WHERE id = ? AND version = ?
                    RETURNING id
                    """,
                    [.text(step.to), .text(step.from), at, fields, due, .text(step.actor), at, caseID, .integer(version)])
                guard !updated.isEmpty else { throw BenchmarkError.lostTrack(of: id, atVersion: version) }
                _ = try await connection.query(
                    """
                    INSERT INTO case_events (case_id, case_version, kind, transition, from_state, to_state, actor, role,
                                             reason, fields, at, idempotency_key, request_hash)
                    VALUES (?, ?, 'transition', ?, ?, ?, ?, ?, NULL, ?, ?, NULL, NULL)
                    RETURNING seq
                    """,
                    [caseID, .integer(version + 1), .text(step.transition), .text(step.from), .text(step.to), .text(step.actor),
                     .text(step.role.rawValue), fields, at])
                _ = try await connection.query("COMMIT", [])
            } catch {
                _ = try? await connection.query("ROLLBACK", [])
                throw error
            }
        }
    }
}

/// Runs async work one piece at a time: transactions on one connection must not interleave.
actor OneAtATime {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        return try await work()
    }
}
