import ArgumentParser
import Foundation
import Logging
import WorkflowEngine

/// `rsobench`: speed and memory figures of the engine against plain SQL on the same database server.
///
/// `scripts/bench` builds it in release mode, starts a throwaway server and runs `rsobench transitions` and `rsobench metrics`.
@main
struct RSOBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rsobench",
        abstract: "Benchmarks of rso-workflow on PostgreSQL (and SQLite), compared with plain SQL over the raw tables.",
        subcommands: [TransitionsBenchmark.self, MetricsBenchmark.self])

    static func main() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
        _ = CaseSealing.benchmark  // before any rsoctl child starts: it inherits the key file's name
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// Progress and timings on stderr, so that stdout carries only the report.
func note(_ message: String) {
    FileHandle.standardError.write(Data("rsobench: \(message)\n".utf8))
}
