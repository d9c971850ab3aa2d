import Foundation
import Testing

/// What one child process did: its exit code and everything it wrote.
struct ProcessResult: Sendable, CustomStringConvertible {
    let arguments: [String]
    let exitCode: Int32
    let stdout: String
    let stderr: String
    let timedOut: Bool

    var description: String {
        "`\(arguments.joined(separator: " "))` exited \(exitCode)\(timedOut ? " (timed out)" : "")\n"
            + "stdout: \(stdout.isEmpty ? "(empty)" : stdout)\nstderr: \(stderr.isEmpty ? "(empty)" : stderr)"
    }
}

/// Runs `rsoctl` (or another tool, e.g. psql) as a separate OS process, the way a user would.
///
/// The environment is the test runner's, minus `RSO_ACTOR`, `RSO_DATABASE_URL` and any defaults file; the database
/// URL is set only when given, so every invocation says where its data is and who is acting.
/// stdout and stderr go to temporary files (never pipes: a full pipe would stall the child).
enum RsoctlProcess {
    static let defaultTimeout: TimeInterval = 60

    /// Runs `rsoctl ARGS...` to completion.
    static func run(_ arguments: [String], databaseURL: String?, timeout: TimeInterval = defaultTimeout, input: Data? = nil) async throws -> ProcessResult {
        try await launch(arguments, databaseURL: databaseURL, timeout: timeout, input: input).result()
    }

    /// Starts `rsoctl ARGS...` and returns at once; `result()` waits for it.
    static func launch(_ arguments: [String], databaseURL: String?, timeout: TimeInterval = defaultTimeout, input: Data? = nil) throws -> Running {
        var environment = withoutDefaults(ProcessInfo.processInfo.environment)
        if let databaseURL { environment["RSO_DATABASE_URL"] = databaseURL }
        environment = withMasterKey(environment)
        return try Running(executable: try binary(), arguments: arguments, environment: environment, timeout: timeout, input: input)
    }

    /// `environment` without what would choose a database or an actor for rsoctl: RSO_ACTOR, RSO_DATABASE_URL and the
    /// developer's own defaults file (RSO_CONFIG unset, XDG_CONFIG_HOME pointing nowhere).
    static func withoutDefaults(_ environment: [String: String]) -> [String: String] {
        var environment = environment
        for name in ["RSO_ACTOR", "RSO_DATABASE_URL", "RSO_CONFIG"] { environment.removeValue(forKey: name) }
        environment["XDG_CONFIG_HOME"] = "/nonexistent/rso-test-config"
        return environment
    }

    /// `environment` with the tests' master key for a PostgreSQL database (an SQLite file makes its own beside it),
    /// unless the test chose one.
    static func withMasterKey(_ environment: [String: String]) -> [String: String] {
        guard environment["RSO_DATABASE_URL"]?.hasPrefix("postgres") == true, environment["RSO_MASTER_KEY_FILE"] == nil else { return environment }
        var environment = environment
        environment["RSO_MASTER_KEY_FILE"] = testMasterKeyFile
        return environment
    }

    /// A key file holding the key of `CaseSealing.testing`, made once per test run (mode 0600).
    static let testMasterKeyFile: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rso-test-master-\(getpid()).key").path
        try? FileManager.default.removeItem(atPath: path)
        FileManager.default.createFile(atPath: path, contents: Data((Data(repeating: 0x5a, count: 32).base64EncodedString() + "\n").utf8),
                                       attributes: [.posixPermissions: 0o600])
        return path
    }()

    /// Runs any other tool (e.g. /usr/bin/psql) with the runner's environment.
    static func tool(_ executable: String, _ arguments: [String], timeout: TimeInterval = defaultTimeout) async throws -> ProcessResult {
        try await Running(executable: URL(fileURLWithPath: executable), arguments: arguments,
                          environment: ProcessInfo.processInfo.environment, timeout: timeout).result()
    }

    /// The `rsoctl` built next to the test runner (`swift build --build-tests` puts both in
    /// .build/<triple>/debug/), else .build/debug/rsoctl under the package root.
    static func binary(filePath: String = #filePath) throws -> URL {
        var candidates: [URL] = []
        // scripts/test runs some specs again against the release build: optimisation changes what the program does.
        if let release = ProcessInfo.processInfo.environment["RSO_TEST_RSOCTL"], !release.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: release) else { throw RsoctlTestError("RSO_TEST_RSOCTL=\(release) is not an executable") }
            return URL(fileURLWithPath: release)
        }
        if let runner = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: runner).deletingLastPathComponent().appendingPathComponent("rsoctl"))
        }
        candidates.append(Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("rsoctl")
                          ?? URL(fileURLWithPath: "/nonexistent"))
        let packageRoot = URL(fileURLWithPath: filePath)  // <root>/Tests/RsoctlTests/RsoctlProcess.swift
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/rsoctl"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw RsoctlTestError("rsoctl binary not found; looked at \(candidates.map(\.path)); run swift build --build-tests")
        }
        return found
    }

    /// One child process in flight.
    final class Running: @unchecked Sendable {
        private let process = Process()
        private let arguments: [String]
        private let outURL: URL
        private let errURL: URL
        private let outHandle: FileHandle
        private let errHandle: FileHandle
        private let finished = DispatchGroup()
        private let lock = NSLock()
        private var timedOutFlag = false

        /// `input`: what the child reads on standard input (from a file, then end of file); nil: nothing (/dev/null).
        init(executable: URL, arguments: [String], environment: [String: String], timeout: TimeInterval, input: Data? = nil) throws {
            self.arguments = [executable.lastPathComponent] + arguments
            let temp = FileManager.default.temporaryDirectory
            let id = UUID().uuidString
            outURL = temp.appendingPathComponent("rsoctl-e2e-\(id).out")
            errURL = temp.appendingPathComponent("rsoctl-e2e-\(id).err")
            _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
            process.executableURL = executable
            process.arguments = arguments
            process.environment = environment
            if let input {
                let inURL = temp.appendingPathComponent("rsoctl-e2e-\(id).in")
                _ = FileManager.default.createFile(atPath: inURL.path, contents: input, attributes: [.posixPermissions: 0o600])
                process.standardInput = try FileHandle(forReadingFrom: inURL)
                try? FileManager.default.removeItem(at: inURL)  // the child reads the open file; nothing is left behind
            } else {
                process.standardInput = FileHandle.nullDevice
            }
            outHandle = try FileHandle(forWritingTo: outURL)
            errHandle = try FileHandle(forWritingTo: errURL)
            process.standardOutput = outHandle
            process.standardError = errHandle
            finished.enter()
            process.terminationHandler = { [finished] _ in finished.leave() }
            do {
                try process.run()
            } catch {
                finished.leave()
                throw RsoctlTestError("could not start \(executable.path): \(error)")
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [weak self] in
                guard let self, self.process.isRunning else { return }
                self.lock.withLock { self.timedOutFlag = true }
                kill(self.process.processIdentifier, SIGKILL)  // kill(2): Foundation's terminate() could miss under load
            }
        }

        /// Waits for the process to end and collects what it wrote.
        func result() async throws -> ProcessResult {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                finished.notify(queue: .global()) { continuation.resume() }
            }
            try? outHandle.close()
            try? errHandle.close()
            defer {
                try? FileManager.default.removeItem(at: outURL)
                try? FileManager.default.removeItem(at: errURL)
            }
            let stdout = String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self)
            let stderr = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
            let timedOut = lock.withLock { timedOutFlag }
            let result = ProcessResult(arguments: arguments, exitCode: process.terminationStatus,
                                       stdout: stdout, stderr: stderr, timedOut: timedOut)
            if timedOut { Issue.record("timed out and was terminated: \(result)") }
            return result
        }
    }
}

struct RsoctlTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
