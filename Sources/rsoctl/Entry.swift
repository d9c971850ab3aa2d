import ArgumentParser
import Foundation
import Logging
import WorkflowEngine

/// The process entry: parses, runs, and maps every error to its documented exit code in one place.
@main
enum Entry {
    static func main() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["RSO_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .error
            return handler
        }
        do {
            var command = try RSOCtl.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as WorkflowError {
            Output.note("rsoctl: \(error)")
            exit(error.exitCode)
        } catch let error as DefinitionError {
            Output.note("rsoctl: \(error)")
            exit(WorkflowError.Code.invalidData.rawValue)
        } catch {
            RSOCtl.exit(withError: error)
        }
    }
}

/// `rsoctl`: the admin CLI of rso-workflow.
struct RSOCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rsoctl",
        abstract: "Drive rso-workflow: cases, their stages and history, users and metrics.",
        discussion: """
            With no --database-url (or RSO_DATABASE_URL) rsoctl uses an embedded SQLite file.
            Exit codes: 0 success, 64 usage, 65 invalid data, 66 no such case/workflow/user,
            67 transition not allowed now, 68 guard failed, 69 forbidden, 70 version conflict,
            71 database unreachable.
            """,
        subcommands: [
            DatabaseCommand.self, UsersCommand.self, ModulesCommand.self, WorkflowCommand.self,
            CaseCommand.self, MetricsCommand.self, ReportCommand.self, TimersCommand.self, DemoCommand.self,
            ImportCommand.self, ExportCommand.self,
        ])
}
