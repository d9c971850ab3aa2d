import Foundation
import WorkflowEngine

/// Wall time of whole `rsoctl` processes (start, connect, one command, exit), as an operator or a script sees it.
struct RsoctlLatency {
    let executable: String
    let databaseURL: String
    let engine: Engine
    let runs: Int

    /// The release rsoctl beside this executable, as `swift build -c release` puts it; nil if there is none.
    static func sibling() -> String? {
        guard let directory = Bundle.main.executableURL?.deletingLastPathComponent() else { return nil }
        let path = directory.appendingPathComponent("rsoctl").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// `case show` of one case `runs` times, and `case advance … start_counselling` of `runs` freshly opened cases.
    func measure() async throws -> RsoctlTimings {
        let shown = try await engine.open(DatasetShape.workflow.id, fields: TransitionStep.openingFields(0), as: "bench-cw-01")
        let show = ["case", "show", shown.reference, "--format", "json"]
        // One untimed run first: the binary's pages come into the cache, as they would be on a machine in use.
        _ = try run(show)
        var showTimes = Timings()
        for _ in 0..<runs { showTimes.samples.append(try run(show)) }
        var advanceTimes = Timings()
        for number in 0..<runs {
            let record = try await engine.open(DatasetShape.workflow.id, fields: TransitionStep.openingFields(number), as: "bench-cw-01")
            advanceTimes.samples.append(try run(["case", "advance", record.reference, "start_counselling", "--format", "json"]))
        }
        note(String(format: "rsoctl: case show median %.1f ms, case advance median %.1f ms (%d runs each)",
                    showTimes.median, advanceTimes.median, runs))
        return RsoctlTimings(caseShow: showTimes, caseAdvance: advanceTimes)
    }

    private func run(_ arguments: [String]) throws -> Double {
        try Self.time(executable, arguments + ["--database-url", databaseURL, "--actor", "bench-cw-01"]).milliseconds
    }

    /// Milliseconds from launch to exit of one rsoctl process, and its peak resident memory in KiB as sampled while it
    /// ran; its output is discarded, a failure stops the benchmark.
    static func time(_ executable: String, _ arguments: [String]) throws -> (milliseconds: Double, peakKiB: Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        let memory = PeakMemorySampler(pid: process.processIdentifier, executable: executable)
        // Read to the end before waiting: a full pipe would otherwise stall the child.
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let elapsed = (clock.now - start).milliseconds
        let peakKiB = memory.stop()
        guard process.terminationStatus == 0 else {
            throw BenchmarkError("rsoctl \(arguments.prefix(2).joined(separator: " ")) exited with \(process.terminationStatus): "
                + String(decoding: message.suffix(500), as: UTF8.self))
        }
        return (elapsed, peakKiB)
    }
}

/// Samples a child's VmHWM every 10 ms while it runs. getrusage's figure for children is no use here: it counts the
/// parent's memory that the child shared between fork and exec.
final class PeakMemorySampler: @unchecked Sendable {
    private let lock = NSLock()
    private var peak = 0
    private var running = true

    init(pid: Int32, executable: String) {
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                // Only once the child runs the executable: before exec it is a copy of this process.
                if (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")) == executable,
                   let kib = Self.highWaterMarkKiB(pid) {
                    lock.withLock { peak = max(peak, kib) }
                }
                usleep(10_000)
            }
        }
    }

    /// The largest sample, once the child has exited.
    func stop() -> Int {
        lock.withLock {
            running = false
            return peak
        }
    }

    private static func highWaterMarkKiB(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }
}
