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
        try Self.time(executable, arguments + ["--database-url", databaseURL, "--actor", "bench-cw-01"])
    }

    /// Milliseconds from launch to exit of one rsoctl process; its output is discarded, a failure stops the benchmark.
    static func time(_ executable: String, _ arguments: [String]) throws -> Double {
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
        // Read to the end before waiting: a full pipe would otherwise stall the child.
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let elapsed = (clock.now - start).milliseconds
        guard process.terminationStatus == 0 else {
            throw BenchmarkError("rsoctl \(arguments.prefix(2).joined(separator: " ")) exited with \(process.terminationStatus): "
                + String(decoding: message.suffix(500), as: UTF8.self))
        }
        return elapsed
    }
}
