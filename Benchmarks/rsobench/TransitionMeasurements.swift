import Foundation
import PostgresNIO
import WorkflowEngine

/// Writes per second, with `with` and `without` the stage-interval projection, on fresh cases of the loaded database.
struct TransitionResult: Sendable, Encodable {
    let write: String
    /// Operations per second, one sample per round.
    let perSecond: [Double]
    let operations: Int

    var medianPerSecond: Double { Timings(samples: perSecond).median }

    private enum CodingKeys: String, CodingKey { case write, perSecond, operations, medianPerSecond }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(write, forKey: .write)
        try container.encode(perSecond, forKey: .perSecond)
        try container.encode(operations, forKey: .operations)
        try container.encode(medianPerSecond, forKey: .medianPerSecond)
    }
}

struct TransitionMeasurements {
    let engine: Engine
    let database: RawDatabase
    let cases: Int
    let workers: Int
    let rounds: Int

    /// How the write is made: through the engine, or its statement sent directly (re-planned each time, as the store
    /// sends it, or as a named prepared statement), with or without the projection parts.
    enum Writer: CaseIterable {
        case engine, sqlWithProjection, sqlWithoutProjection, preparedWithProjection, preparedWithoutProjection

        var name: String {
            switch self {
            case .engine: "engine.advance (writes the projection)"
            case .sqlWithProjection: "SQL write with projection"
            case .sqlWithoutProjection: "SQL write without projection"
            case .preparedWithProjection: "prepared SQL write with projection"
            case .preparedWithoutProjection: "prepared SQL write without projection"
            }
        }

        var writesProjection: Bool { self != .sqlWithoutProjection && self != .preparedWithoutProjection }
    }

    /// Each round opens fresh cases for each writer, then each writer drives its own through the path, in rotating order.
    func measure() async throws -> [TransitionResult] {
        let path = TransitionStep.path(today: TransitionStep.today)
        var opens: [Double] = []
        var rates: [Writer: [Double]] = [:]
        var unprojected: [UUID] = []
        for round in 0..<rounds {
            let writers = Writer.allCases
            let (ids, openMs) = try await Stopwatch.time { try await open(writers.count * cases, round: round) }
            opens.append(Double(ids.count) / (openMs / 1_000))
            note(String(format: "transitions round %d: opened %d cases at %.0f/s (RSS %d KiB)", round + 1, ids.count, opens.last!, residentKiB() ?? 0))
            for offset in 0..<writers.count {
                let writer = writers[(offset + round) % writers.count]
                let index = writers.firstIndex(of: writer)!
                let mine = Array(ids[(index * cases)..<((index + 1) * cases)])
                let (_, ms) = try await Stopwatch.time { try await drive(mine, along: path, with: writer) }
                let rate = Double(mine.count * path.count) / (ms / 1_000)
                rates[writer, default: []].append(rate)
                if !writer.writesProjection { unprojected += mine }
                note(String(format: "transitions round %d: %@ %.0f/s (RSS %d KiB)", round + 1, writer.name, rate, residentKiB() ?? 0))
            }
        }
        try await repairProjection(of: unprojected)
        return [TransitionResult(write: "engine.open (case, event, projection)", perSecond: opens, operations: rounds * Writer.allCases.count * cases)]
            + Writer.allCases.map { TransitionResult(write: $0.name, perSecond: rates[$0] ?? [], operations: rounds * cases * path.count) }
    }

    private func open(_ count: Int, round: Int) async throws -> [UUID] {
        let numbers = Array(0..<count)
        let ids = IDBox(count: count)
        try await concurrently(numbers, workers: workers) { index, number in
            let record = try await engine.open(
                DatasetShape.workflow.id, fields: TransitionStep.openingFields(round * count + number), as: "bench-cw-01")
            ids.set(index, record.id)
        }
        return ids.all
    }

    private func drive(_ ids: [UUID], along path: [TransitionStep], with writer: Writer) async throws {
        try await concurrently(ids, workers: workers) { _, id in
            for (version, step) in zip(1..., path) {
                switch writer {
                case .engine:
                    _ = try await engine.advance(.id(id), step.transition, fields: step.fields, as: step.actor)
                default:
                    try await write(step, to: id, fromVersion: version, as: writer)
                }
            }
        }
    }

    /// One SQL write; a case found at another version means the benchmark lost track of it.
    private func write(_ step: TransitionStep, to id: UUID, fromVersion version: Int, as writer: Writer) async throws {
        let binds = TransitionSQL.bindings(step, case: id, fromVersion: version)
        var written = false
        switch writer {
        case .engine:
            throw BenchmarkError("the engine does not write SQL here")
        case .sqlWithProjection, .sqlWithoutProjection:
            let sql = TransitionSQL.write(projection: writer == .sqlWithProjection)
            written = try await !database.rows(PostgresQuery(unsafeSQL: sql, binds: binds)).isEmpty
        case .preparedWithProjection:
            for try await _ in try await database.client.execute(PreparedWriteWithProjection(binds: binds), logger: database.logger) {
                written = true
            }
        case .preparedWithoutProjection:
            for try await _ in try await database.client.execute(PreparedWriteWithoutProjection(binds: binds), logger: database.logger) {
                written = true
            }
        }
        guard written else { throw BenchmarkError("an SQL write found its case at another version than \(version)") }
    }

    /// The cases written without the projection get their stays back from their history, so the database stays consistent.
    private func repairProjection(of ids: [UUID]) async throws {
        guard !ids.isEmpty else { return }
        try await database.rows("DELETE FROM stage_intervals WHERE case_id = ANY(\(ids))")
        try await database.rows(PostgresQuery(unsafeSQL: """
            INSERT INTO stage_intervals (case_id, workflow, state, entered_at, left_at, entered_seq, reached_ms)
            \(GenerationSQL.intervalsFromHistory(where: "e.case_id = ANY($1)"))
            """, binds: { var binds = PostgresBindings(); binds.append(ids); return binds }()))
    }
}

/// Results written by concurrent tasks at distinct indexes.
final class IDBox: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [UUID]

    init(count: Int) { ids = Array(repeating: UUID(), count: count) }

    func set(_ index: Int, _ id: UUID) { lock.withLock { ids[index] = id } }

    var all: [UUID] { lock.withLock { ids } }
}
