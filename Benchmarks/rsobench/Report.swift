import Foundation

/// Everything one run found, printed as a table or as JSON.
struct BenchmarkReport: Sendable, Encodable {
    let dataset: DatasetSummary
    let runs: Int
    let metrics: [MetricResult]
    let transitions: [TransitionResult]
    let transitionWorkers: Int
    /// Peak resident set size of this process (VmHWM), in KiB.
    let peakRSSKiB: Int?
    /// The first metric after the load: it builds the summaries (month snapshots, stays per day of duration).
    let summaryBuildMilliseconds: Double
    /// `rsoctl import` of a CSV file and of one three times its size.
    let imports: [ImportMeasurement.Result]
    /// /proc/loadavg when the measurements began and ended: other work on the machine skews the figures.
    let loadAverage: (before: String, after: String)

    /// Milliseconds a worker spends per write of this kind (median rate over the rounds).
    func milliseconds(_ writer: TransitionMeasurements.Writer) -> Double? {
        guard let result = transitions.first(where: { $0.write == writer.name }), result.medianPerSecond > 0 else { return nil }
        return 1_000 * Double(transitionWorkers) / result.medianPerSecond
    }

    /// What the projection adds to one write, as SQL sent the way the store sends it and as a prepared statement.
    var projectionCost: [(label: String, addedMs: Double, percent: Double)] {
        [("SQL re-planned per call", TransitionMeasurements.Writer.sqlWithProjection, .sqlWithoutProjection),
         ("prepared SQL (as the store sends it)", .preparedWithProjection, .preparedWithoutProjection)].compactMap { label, with, without in
            guard let a = milliseconds(with), let b = milliseconds(without) else { return nil }
            return (label, a - b, (a / b - 1) * 100)
        }
    }

    /// engine.advance with the projection's added time taken off, from the prepared SQL figures.
    var engineWithoutProjectionEstimate: Double? {
        guard let engine = milliseconds(.engine), let cost = projectionCost.last, engine > cost.addedMs else { return nil }
        return 1_000 * Double(transitionWorkers) / (engine - cost.addedMs)
    }

    private enum CodingKeys: String, CodingKey {
        case dataset, runs, metrics, transitions, transitionWorkers, peakRSSKiB, projectionCost, engineWithoutProjectionPerSecondEstimate
        case summaryBuildMilliseconds, imports
        case loadAverageBefore, loadAverageAfter
    }

    private struct Cost: Encodable {
        let write: String
        let addedMillisecondsPerWrite: Double
        let percent: Double
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(dataset, forKey: .dataset)
        try container.encode(runs, forKey: .runs)
        try container.encode(metrics, forKey: .metrics)
        try container.encode(transitions, forKey: .transitions)
        try container.encode(transitionWorkers, forKey: .transitionWorkers)
        try container.encodeIfPresent(peakRSSKiB, forKey: .peakRSSKiB)
        try container.encode(summaryBuildMilliseconds, forKey: .summaryBuildMilliseconds)
        try container.encode(imports, forKey: .imports)
        try container.encode(loadAverage.before, forKey: .loadAverageBefore)
        try container.encode(loadAverage.after, forKey: .loadAverageAfter)
        try container.encode(projectionCost.map { Cost(write: $0.label, addedMillisecondsPerWrite: $0.addedMs, percent: $0.percent) },
                             forKey: .projectionCost)
        try container.encodeIfPresent(engineWithoutProjectionEstimate, forKey: .engineWithoutProjectionPerSecondEstimate)
    }

    func json() throws -> String { try reportJSON(self) }

    func table() -> String {
        var lines: [String] = []
        let d = dataset
        lines.append("rsobench metrics — PostgreSQL \(d.serverVersion), database \(d.databaseSize)")
        lines.append("dataset: \(d.cases.formatted()) avrr cases, \(d.events.formatted()) events, \(d.intervals.formatted()) stage intervals"
            + " (open stays = cases: \(d.consistent ? "✓" : "✗ \(d.openIntervals.formatted())"))")
        if let seconds = d.loadSeconds {
            lines.append(String(format: "load: %.1f s (", seconds) + d.loadSteps.map { String(format: "%@ %.1f s", $0.name, $0.seconds) }
                .joined(separator: ", ") + ")")
        } else {
            lines.append("load: reused the data already in the database")
        }
        lines.append("")
        lines.append(String(format: "first metric after the load (builds the summaries, as after a back-dated write): %.0f ms", summaryBuildMilliseconds))
        lines.append("metrics, \(runs) run\(runs == 1 ? "" : "s") each: median ms (min)")
        let header = ["metric", "engine ms", "raw SQL ms", "target", "meets", "equal"]
        let rows = metrics.map { m -> [String] in
            [m.metric, Self.ms(m.engine), Self.ms(m.rawSQL),
             m.targetMilliseconds.map { "< \(Int($0)) ms" } ?? "-",
             m.meetsTarget.map { $0 ? "✓" : "✗" } ?? "-", m.answersEqual ? "✓" : "✗"]
        }
        lines += Self.layout([header] + rows, rightAligned: [1, 2, 3])
        lines.append("")
        lines.append("writes, \(transitionWorkers) workers: median per second over \(transitions.first?.perSecond.count ?? 0) round(s)")
        let writeRows = transitions.map { t -> [String] in
            [t.write, String(format: "%.0f", t.medianPerSecond), t.operations.formatted(),
             String(format: "%.2f", 1_000 * Double(transitionWorkers) / t.medianPerSecond)]
        }
        lines += Self.layout([["write", "per s", "operations", "ms each (per worker)"]] + writeRows, rightAligned: [1, 2, 3])
        for cost in projectionCost {
            lines.append(String(format: "projection cost, %@: +%.2f ms per write (+%.0f%%)", cost.label, cost.addedMs, cost.percent))
        }
        if let engine = transitions.first(where: { $0.write == TransitionMeasurements.Writer.engine.name }),
           let estimate = engineWithoutProjectionEstimate {
            lines.append(String(format: "engine.advance: %.0f/s with the projection; about %.0f/s without it (estimated: %.0f%% more)",
                                engine.medianPerSecond, estimate, (estimate / engine.medianPerSecond - 1) * 100))
        }
        lines.append("")
        lines.append("rsoctl import avrr FILE.csv (one transaction, COPY), target ≥ 20,000 rows/s with flat memory:")
        let importRows = imports.map { i -> [String] in
            [i.rows.formatted(), String(format: "%.1f", i.megabytes), String(format: "%.1f", i.seconds),
             String(format: "%.0f", i.rowsPerSecond), i.rowsPerSecond >= 20_000 ? "✓" : "✗", String(format: "%.0f", i.peakRSSMiB)]
        }
        lines += Self.layout([["rows", "MB", "seconds", "rows/s", "meets", "peak RSS MiB"]] + importRows, rightAligned: [1, 2, 3, 5])
        lines.append("")
        lines.append("peak RSS of rsobench: \(peakRSSKiB.map { String(format: "%.1f MiB", Double($0) / 1_024) } ?? "unknown")"
            + "; load average before measuring \(loadAverage.before), after \(loadAverage.after) (\(ProcessInfo.processInfo.activeProcessorCount) CPUs)")
        return lines.joined(separator: "\n")
    }

    private static func ms(_ timings: Timings) -> String {
        String(format: "%@ (%@)", figure(timings.median), figure(timings.minimum))
    }

    private static func figure(_ ms: Double) -> String {
        ms >= 100 ? String(format: "%.0f", ms) : String(format: "%.1f", ms)
    }

    /// Columns padded to their widest cell, with a rule under the header.
    static func layout(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        guard let first = rows.first else { return [] }
        let widths = first.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return [line(first), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.dropFirst().map(line)
    }
}

/// The 1, 5 and 15 minute load averages.
/// A report as pretty, key-sorted JSON; figures that are not numbers (no samples) become strings.
func reportJSON(_ report: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: try encoder.encode(report), as: UTF8.self)
}

func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
}

/// VmHWM from /proc/self/status: the most memory this process ever held resident.
func peakResidentKiB() -> Int? { processStatus("VmHWM") }

/// VmRSS: memory resident now.
func residentKiB() -> Int? { processStatus("VmRSS") }

private func processStatus(_ key: String) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("\(key):") }) else { return nil }
    return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" })[1])
}
