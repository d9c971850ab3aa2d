import Foundation
import Testing

/// A child process the test can signal and give an environment of its own: rsoctl under a lock, a signal, a restart.
///
/// Like `RsoctlProcess`, output goes to temporary files (a full pipe would stall the child). `finish` waits at most its
/// timeout, then kills the child (SIGKILL) and says so: nothing in a test waits for ever.
final class ChildProcess: @unchecked Sendable {
    private let process = Process()
    private let outURL: URL
    private let errURL: URL
    let arguments: [String]
    let started = Date()

    /// Starts `rsoctl ARGS...` with the runner's environment minus RSO_ACTOR, RSO_DATABASE_URL and any defaults file, plus `environment`.
    static func rsoctl(_ arguments: [String], databaseURL: String?, environment extra: [String: String] = [:]) throws -> ChildProcess {
        var environment = RsoctlProcess.withoutDefaults(ProcessInfo.processInfo.environment)
        if let databaseURL { environment["RSO_DATABASE_URL"] = databaseURL }
        environment.merge(extra) { $1 }
        environment = RsoctlProcess.withMasterKey(environment)
        return try ChildProcess(executable: try RsoctlProcess.binary(), arguments: arguments, environment: environment)
    }

    /// Starts any other tool (psql, pg_ctl) with the runner's environment.
    static func tool(_ path: String, _ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(executable: URL(fileURLWithPath: path), arguments: arguments,
                         environment: ProcessInfo.processInfo.environment)
    }

    init(executable: URL, arguments: [String], environment: [String: String]) throws {
        self.arguments = [executable.lastPathComponent] + arguments
        let id = UUID().uuidString
        outURL = FileManager.default.temporaryDirectory.appendingPathComponent("rsoctl-child-\(id).out")
        errURL = FileManager.default.temporaryDirectory.appendingPathComponent("rsoctl-child-\(id).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
    }

    var isRunning: Bool { process.isRunning }

    /// What the child wrote to stderr so far (a server's log while it runs).
    var stderrSoFar: String { String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self) }

    /// What the child wrote to stdout so far.
    var stdoutSoFar: String { String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self) }

    /// Sends SIGTERM, as `timeout(1)` or a service manager would. kill(2) itself: Foundation's `terminate()` did not
    /// always reach the child while the test process was busy starting many others.
    func terminate() { kill(process.processIdentifier, SIGTERM) }

    /// What the child did, once it ended (or was killed after `timeout` seconds).
    struct Outcome: CustomStringConvertible {
        let arguments: [String]
        /// The exit code; for a child ended by a signal, 128 + the signal's number, as a shell reports it.
        let exitCode: Int32
        let stdout: String
        let stderr: String
        let seconds: Double
        let killedByTest: Bool

        var description: String {
            "`\(arguments.joined(separator: " "))` exited \(exitCode) after \(String(format: "%.1f", seconds)) s"
                + (killedByTest ? " (killed by the test's watchdog)" : "") + "\nstdout: \(stdout)\nstderr: \(stderr)"
        }
    }

    func finish(timeout: TimeInterval) async -> Outcome {
        var killed = false
        while process.isRunning {
            if Date().timeIntervalSince(started) > timeout {
                kill(process.processIdentifier, SIGKILL)
                killed = true
                process.waitUntilExit()
                break
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        process.waitUntilExit()
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let code = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return Outcome(arguments: arguments, exitCode: code,
                       stdout: String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self),
                       stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self),
                       seconds: Date().timeIntervalSince(started), killedByTest: killed)
    }
}

extension ChildProcess {
    /// Polls `condition` every 100 ms for at most `seconds`; true as soon as it holds.
    static func eventually(within seconds: TimeInterval, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    /// One SQL query through psql; its single value, trimmed.
    static func psqlValue(_ url: String, _ sql: String) async throws -> String {
        let result = try await RsoctlProcess.tool(TestDatabase.psql, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql])
        guard result.exitCode == 0 else { throw RsoctlTestError("psql failed: \(result)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `url` with one more query parameter (`lock_timeout=60`, `application_name=x`).
    static func adding(_ parameter: String, to url: String) -> String {
        url + (url.contains("?") ? "&" : "?") + parameter
    }
}
