import Foundation
import WorkflowEngine

/// Moves one case one step along the path: through the engine, or as the plain SQL a hand-written application would send.
protocol StepWriter: Sendable {
    func write(_ step: TransitionStep, case id: UUID, fromVersion version: Int) async throws
}

/// The library API, as an application embedding the engine calls it.
struct EngineStepWriter: StepWriter {
    let engine: Engine

    func write(_ step: TransitionStep, case id: UUID, fromVersion version: Int) async throws {
        _ = try await engine.advance(.id(id), step.transition, fields: step.fields, as: step.actor)
    }
}

/// What one writer did over one or more slices: how many transitions, in how long, and each one's latency.
struct WriterTiming: Sendable {
    var transitions = 0
    var seconds = 0.0
    var latenciesMs: [Double] = []
    /// CPU this process and the database server used meanwhile.
    var cpu = CPUTime()

    var perSecond: Double { seconds > 0 ? Double(transitions) / seconds : 0 }

    mutating func add(_ other: WriterTiming) {
        transitions += other.transitions
        seconds += other.seconds
        latenciesMs += other.latenciesMs
        cpu += other.cpu
    }

    /// Microseconds of CPU per transition: this process's, and the database server's.
    var clientMicroseconds: Double { transitions > 0 ? cpu.client / Double(transitions) * 1e6 : .nan }
    var serverMicroseconds: Double { transitions > 0 ? cpu.server / Double(transitions) * 1e6 : .nan }

    /// Nearest-rank percentile: the latency that `fraction` of the calls took at most.
    func percentile(_ fraction: Double) -> Double {
        guard !latenciesMs.isEmpty else { return .nan }
        let sorted = latenciesMs.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

/// One concurrency level: the engine and raw SQL move fresh cases along the same path on `workers` concurrent tasks,
/// in alternating slices (engine, raw, raw, engine, …) so that drift on the machine falls on both alike.
struct TransitionLevel: Sendable {
    let engine: Engine
    let raw: any StepWriter
    let workers: Int
    /// Seconds of driving for each of the two writers at this level.
    let seconds: Double
    let label: String

    static let path = TransitionStep.path(today: TransitionStep.today)
    /// Slices per writer: enough alternation to spread drift, few enough that each slice is long against its ramp.
    static let slicesPerWriter = 4

    private enum Writer { case engine, raw }

    func measure() async throws -> LevelResult {
        let engineWriter = EngineStepWriter(engine: engine)
        var opened = WriterTiming()
        // Warm-up, untimed: fills both pools, prepares the raw statements on each connection, and gives a first rate
        // per worker from which each slice is sized to last about its share of --seconds.
        var rate: [Writer: Double] = [:]
        for writer in [Writer.engine, .raw] {
            let (cases, _) = try await open(perWorker: 2)
            let timing = try await drive(cases, with: writer == .engine ? engineWriter : raw)
            rate[writer] = timing.perSecond / Double(workers)
        }
        let sliceSeconds = seconds / Double(Self.slicesPerWriter)
        let order = (0..<(Self.slicesPerWriter / 2)).flatMap { _ in [Writer.engine, .raw, .raw, .engine] }
        var timings: [Writer: WriterTiming] = [.engine: WriterTiming(), .raw: WriterTiming()]
        for (index, writer) in order.enumerated() {
            let perWorker = max(1, Int((sliceSeconds * (rate[writer] ?? 1) / Double(Self.path.count)).rounded(.up)))
            let (cases, opening) = try await open(perWorker: perWorker)
            opened.add(opening)
            let timing = try await drive(cases, with: writer == .engine ? engineWriter : raw)
            timings[writer]?.add(timing)
            rate[writer] = timing.perSecond / Double(workers)
            note(String(format: "%@, %d worker%@, slice %d/%d: %@ %.0f transitions/s over %.1f s (opened %d cases at %.0f/s; RSS %d KiB)",
                        label, workers, workers == 1 ? "" : "s", index + 1, order.count, writer == .engine ? "engine" : "raw SQL",
                        timing.perSecond, timing.seconds, opening.transitions, opening.perSecond, residentKiB() ?? 0))
        }
        return LevelResult(workers: workers, engine: timings[.engine]!, raw: timings[.raw]!, opens: opened)
    }

    /// Opens `perWorker` fresh cases for each worker through the engine, all workers at once; times the opens.
    private func open(perWorker: Int) async throws -> ([[UUID]], WriterTiming) {
        let clock = ContinuousClock()
        let start = clock.now
        let cases = try await withThrowingTaskGroup(of: [UUID].self) { group in
            for _ in 0..<workers {
                group.addTask {
                    var ids: [UUID] = []
                    for number in 0..<perWorker {
                        let record = try await engine.open(
                            DatasetShape.workflow.id, fields: TransitionStep.openingFields(number), as: "bench-cw-01")
                        ids.append(record.id)
                    }
                    return ids
                }
            }
            var all: [[UUID]] = []
            for try await ids in group { all.append(ids) }
            return all
        }
        let seconds = (clock.now - start).milliseconds / 1_000
        return (cases, WriterTiming(transitions: workers * perWorker, seconds: seconds))
    }

    /// Each worker drives its own cases along the whole path, one call at a time, timing every call.
    private func drive(_ cases: [[UUID]], with writer: any StepWriter) async throws -> WriterTiming {
        let clock = ContinuousClock()
        let path = Self.path
        let cpuBefore = CPUTime.now()
        let start = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for mine in cases {
                group.addTask {
                    var latencies: [Double] = []
                    latencies.reserveCapacity(mine.count * path.count)
                    for id in mine {
                        for (version, step) in zip(1..., path) {
                            let began = clock.now
                            try await writer.write(step, case: id, fromVersion: version)
                            latencies.append((clock.now - began).milliseconds)
                        }
                    }
                    return latencies
                }
            }
            var all: [Double] = []
            for try await some in group { all += some }
            return all
        }
        let seconds = (clock.now - start).milliseconds / 1_000
        return WriterTiming(transitions: latencies.count, seconds: seconds, latenciesMs: latencies, cpu: CPUTime.now() - cpuBefore)
    }
}
