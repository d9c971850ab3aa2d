import Foundation

/// The targets of issue 5, against which each figure is marked ✓ or ✗.
enum TransitionTargets {
    /// Engine transitions/s at least this fraction of raw SQL's.
    static let minimumRatio = 0.9
    /// Engine p99 latency at most this multiple of raw SQL's.
    static let maximumP99Ratio = 1.5
    /// `rsoctl case show` on PostgreSQL, per process.
    static let caseShowMs = 100.0
}

/// Engine and raw SQL at one concurrency level.
struct LevelResult: Sendable, Encodable {
    let workers: Int
    let engine: WriterTiming
    let raw: WriterTiming
    /// engine.open of the cases the level drove (not the warm-up's).
    let opens: WriterTiming

    var ratio: Double { engine.perSecond / raw.perSecond }
    var p99Ratio: Double { engine.percentile(0.99) / raw.percentile(0.99) }
    var meetsThroughput: Bool { ratio >= TransitionTargets.minimumRatio }
    var meetsP99: Bool { p99Ratio <= TransitionTargets.maximumP99Ratio }

    private enum CodingKeys: String, CodingKey {
        case workers, engine_per_s, raw_per_s, ratio, engine_p50_ms, engine_p99_ms, raw_p50_ms, raw_p99_ms, p99_ratio
        case opens_per_s, engine_transitions, raw_transitions, engine_seconds, raw_seconds, meets_ratio_target, meets_p99_target
        case engine_client_cpu_us, engine_server_cpu_us, raw_client_cpu_us, raw_server_cpu_us
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(workers, forKey: .workers)
        try c.encode(engine.perSecond.rounded(to: 1), forKey: .engine_per_s)
        try c.encode(raw.perSecond.rounded(to: 1), forKey: .raw_per_s)
        try c.encode(ratio.rounded(to: 3), forKey: .ratio)
        try c.encode(engine.percentile(0.5).rounded(to: 3), forKey: .engine_p50_ms)
        try c.encode(engine.percentile(0.99).rounded(to: 3), forKey: .engine_p99_ms)
        try c.encode(raw.percentile(0.5).rounded(to: 3), forKey: .raw_p50_ms)
        try c.encode(raw.percentile(0.99).rounded(to: 3), forKey: .raw_p99_ms)
        try c.encode(p99Ratio.rounded(to: 3), forKey: .p99_ratio)
        try c.encode(opens.perSecond.rounded(to: 1), forKey: .opens_per_s)
        try c.encode(engine.transitions, forKey: .engine_transitions)
        try c.encode(raw.transitions, forKey: .raw_transitions)
        try c.encode(engine.seconds.rounded(to: 2), forKey: .engine_seconds)
        try c.encode(raw.seconds.rounded(to: 2), forKey: .raw_seconds)
        try c.encode(meetsThroughput, forKey: .meets_ratio_target)
        try c.encode(meetsP99, forKey: .meets_p99_target)
        try c.encode(engine.clientMicroseconds.rounded(to: 1), forKey: .engine_client_cpu_us)
        try c.encode(engine.serverMicroseconds.rounded(to: 1), forKey: .engine_server_cpu_us)
        try c.encode(raw.clientMicroseconds.rounded(to: 1), forKey: .raw_client_cpu_us)
        try c.encode(raw.serverMicroseconds.rounded(to: 1), forKey: .raw_server_cpu_us)
    }
}

/// All levels on one backend.
struct BackendResult: Sendable, Encodable {
    /// "PostgreSQL 16.4" or "SQLite 3.x (file)".
    let server: String
    let levels: [LevelResult]
    /// /proc/loadavg when this backend's measurements began and ended: other work on the machine skews the figures.
    let loadAverage: (before: String, after: String)

    /// Opens/s at 4 workers (the middle level of the issue), else at the level nearest to it.
    var opens: (workers: Int, perSecond: Double)? {
        levels.min { abs($0.workers - 4) < abs($1.workers - 4) }.map { ($0.workers, $0.opens.perSecond) }
    }

    private enum CodingKeys: String, CodingKey {
        case server, transitions, opens_per_s, opens_workers, load_average_before, load_average_after
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(server, forKey: .server)
        try c.encode(levels, forKey: .transitions)
        try c.encodeIfPresent(opens?.perSecond.rounded(to: 1), forKey: .opens_per_s)
        try c.encodeIfPresent(opens?.workers, forKey: .opens_workers)
        try c.encode(loadAverage.before, forKey: .load_average_before)
        try c.encode(loadAverage.after, forKey: .load_average_after)
    }
}

/// Median wall time of `rsoctl` processes, each a fresh start against PostgreSQL.
struct RsoctlTimings: Sendable, Encodable {
    let caseShow: Timings
    let caseAdvance: Timings

    private enum CodingKeys: String, CodingKey { case case_show, case_advance, case_show_min, case_advance_min, runs }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(caseShow.median.rounded(to: 2), forKey: .case_show)
        try c.encode(caseAdvance.median.rounded(to: 2), forKey: .case_advance)
        try c.encode(caseShow.minimum.rounded(to: 2), forKey: .case_show_min)
        try c.encode(caseAdvance.minimum.rounded(to: 2), forKey: .case_advance_min)
        try c.encode(caseShow.samples.count, forKey: .runs)
    }
}

/// Everything `rsobench transitions` found, printed as a table or as JSON.
struct TransitionsReport: Sendable, Encodable {
    let postgres: BackendResult
    let sqlite: BackendResult?
    /// Nil when no rsoctl binary was found.
    let rsoctl: RsoctlTimings?
    let peakRSSKiB: Int?
    let secondsPerWriter: Double
    /// /proc/loadavg before anything ran: work the benchmark did not cause.
    let loadAverageAtStart: String

    private enum CodingKeys: String, CodingKey {
        case postgres, sqlite, rsoctl_ms, peak_rss_mb, seconds_per_writer_and_level, cpus, targets, load_average_at_start
    }

    private struct Targets: Encodable {
        let min_ratio = TransitionTargets.minimumRatio
        let max_p99_ratio = TransitionTargets.maximumP99Ratio
        let max_case_show_ms = TransitionTargets.caseShowMs
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(postgres, forKey: .postgres)
        try c.encodeIfPresent(sqlite, forKey: .sqlite)
        if let rsoctl { try c.encode(rsoctl, forKey: .rsoctl_ms) } else { try c.encodeNil(forKey: .rsoctl_ms) }
        if let peakRSSKiB { try c.encode((Double(peakRSSKiB) / 1_024).rounded(to: 1), forKey: .peak_rss_mb) }
        try c.encode(secondsPerWriter, forKey: .seconds_per_writer_and_level)
        try c.encode(ProcessInfo.processInfo.activeProcessorCount, forKey: .cpus)
        try c.encode(Targets(), forKey: .targets)
        try c.encode(loadAverageAtStart, forKey: .load_average_at_start)
    }

    func json() throws -> String { try reportJSON(self) }

    func table() -> String {
        var lines = ["rsobench transitions — AVRR cases driven registered → returned (5 transitions each) through engine.advance,"
            + " against raw SQL on the same server;",
            String(format: "%.0f s per writer and level, in %d alternating slices (engine, raw, raw, engine, …); latencies are per call.",
                   secondsPerWriter, 2 * TransitionLevel.slicesPerWriter)]
        lines.append("")
        lines += section(postgres, rawNote: """
            raw SQL: per transition one transaction on a pooled connection (the pool, like the engine's, has as many \
            connections as workers): BEGIN; prepared UPDATE of the case (WHERE id AND version); prepared INSERT of the \
            history row; COMMIT. It does not write the stage_intervals projection, read the user or the case, or check \
            the transition: it is what a hand-written application would send.
            """)
        if let sqlite {
            lines.append("")
            lines += section(sqlite, rawNote: """
                raw SQL: per transition BEGIN IMMEDIATE; UPDATE of the case; INSERT of the history row; COMMIT, through \
                SQLiteNIO on a second connection to the engine's file, one transaction at a time (the engine's SQLite \
                store also has one connection, so its workers queue for it). No projection, no reads, no checks.
                """)
        }
        lines.append("")
        if let rsoctl {
            let show = rsoctl.caseShow.median
            lines.append(String(format: "rsoctl on PostgreSQL, a new process per run, median of %d (min): case show %.1f ms (%.1f) %@ (target < %.0f ms); case advance %.1f ms (%.1f)",
                                rsoctl.caseShow.samples.count, show, rsoctl.caseShow.minimum, mark(show < TransitionTargets.caseShowMs),
                                TransitionTargets.caseShowMs, rsoctl.caseAdvance.median, rsoctl.caseAdvance.minimum))
        } else {
            lines.append("rsoctl: not measured (no rsoctl binary; build it with swift build -c release --product rsoctl, or pass --rsoctl PATH)")
        }
        lines.append("peak RSS of rsobench: \(peakRSSKiB.map { String(format: "%.1f MiB", Double($0) / 1_024) } ?? "unknown");"
            + " \(ProcessInfo.processInfo.activeProcessorCount) CPUs shared by rsobench and the database server")
        if startedBusy {
            lines.append("warning: load average \(loadAverageAtStart) before rsobench began: other work on the machine skews these figures")
        }
        lines.append(String(format: "targets: engine/raw transitions/s ≥ %.1f; engine/raw p99 ≤ %.1f; rsoctl case show < %.0f ms",
                            TransitionTargets.minimumRatio, TransitionTargets.maximumP99Ratio, TransitionTargets.caseShowMs))
        return lines.joined(separator: "\n")
    }

    private func section(_ backend: BackendResult, rawNote: String) -> [String] {
        var lines = [backend.server]
        let header = ["workers", "engine/s", "raw/s", "ratio", "engine p50", "engine p99", "raw p50", "raw p99", "p99 ratio", "opens/s",
                      "engine CPU µs (client+server)", "raw CPU µs"]
        let rows = backend.levels.map { level -> [String] in
            [String(level.workers), String(format: "%.0f", level.engine.perSecond), String(format: "%.0f", level.raw.perSecond),
             String(format: "%.2f %@", level.ratio, mark(level.meetsThroughput)),
             Self.ms(level.engine.percentile(0.5)), Self.ms(level.engine.percentile(0.99)),
             Self.ms(level.raw.percentile(0.5)), Self.ms(level.raw.percentile(0.99)),
             String(format: "%.2f %@", level.p99Ratio, mark(level.meetsP99)), String(format: "%.0f", level.opens.perSecond),
             Self.cpu(level.engine), Self.cpu(level.raw)]
        }
        lines += BenchmarkReport.layout([header] + rows, rightAligned: Set(1..<header.count))
        if let opens = backend.opens {
            lines.append(String(format: "engine.open: %.0f cases/s at %d worker%@ (case, reference number, opened event and projection in one transaction)",
                                opens.perSecond, opens.workers, opens.workers == 1 ? "" : "s"))
        }
        lines.append(rawNote)
        lines.append("load average before \(backend.loadAverage.before), after \(backend.loadAverage.after)")
        return lines
    }

    private func mark(_ met: Bool) -> String { met ? "✓" : "✗" }

    /// "210+410": CPU microseconds per transition of rsobench and of the server (the server's only when it is local).
    private static func cpu(_ timing: WriterTiming) -> String {
        String(format: "%.0f+%.0f", timing.clientMicroseconds, timing.serverMicroseconds)
    }

    /// A one-minute load average above the CPU count before rsobench did anything: it did not have the machine to itself.
    private var startedBusy: Bool {
        (loadAverageAtStart.split(separator: " ").first.flatMap { Double($0) } ?? 0) > Double(ProcessInfo.processInfo.activeProcessorCount)
    }

    private static func ms(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f ms", value) : String(format: "%.2f ms", value)
    }
}

extension Double {
    /// Rounded to `places` decimals, so that the JSON carries no false precision.
    func rounded(to places: Int) -> Double {
        guard isFinite else { return self }
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
