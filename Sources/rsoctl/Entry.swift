import ArgumentParser
import Dispatch
import Foundation
import Logging
import WorkflowEngine
import WorkflowServer

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
            try RawArguments.check()  // bytes ArgumentParser would turn into Strings silently (invalid UTF-8) or let through
        } catch {
            fail(error)
        }
        var command: any ParsableCommand
        do {
            command = try RSOCtl.parseAsRoot()
        } catch {
            usageExit(error)  // ArgumentParser's own: usage 64, --help and --version 0
        }
        // Before any task starts; only the server, whose every request does I/O on NIO's loops (the commands keep
        // Swift's own pool, where a long synchronous step blocks no socket).
        if command is ServeCommand { WorkflowServer.runTasksOnEventLoops() }
        do {
            _ = try ConfigFile.current.get()  // a malformed defaults file is refused before any command runs
            Interruption.install()
            Deadline.start(try Deadline.limit(for: command))
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            fail(error)
        }
    }

    /// What ArgumentParser says for its own errors and requests (help, usage, version), fitted to the terminal:
    /// it wraps prose to the width but leaves the USAGE synopsis on one line, however long.
    static func usageExit(_ error: any Error) -> Never {
        let columns = Terminal.columns
        let text = Terminal.fitted(RSOCtl.fullMessage(for: error, columns: columns), to: columns)
        let code = RSOCtl.exitCode(for: error)
        if !text.isEmpty {
            let handle = code == .success ? FileHandle.standardOutput : FileHandle.standardError
            try? handle.write(contentsOf: Data((text + "\n").utf8))
        }
        if code != .success, let guess = misspeltSubcommand() { Output.note("rsoctl: did you mean '\(guess)'?") }
        exit(code.rawValue)
    }

    /// The subcommand a misspelt one was likely meant to be (`rsoctl cas list` → `case`): ArgumentParser only says the
    /// argument was unexpected.
    static func misspeltSubcommand() -> String? {
        var command: any ParsableCommand.Type = RSOCtl.self
        var path = ["rsoctl"]
        for argument in CommandLine.arguments.dropFirst() {
            let subcommands: [any ParsableCommand.Type] = command.configuration.subcommands
            guard !argument.hasPrefix("-"), !subcommands.isEmpty else { return nil }
            var names: [String] = []
            for subcommand in subcommands { names.append(subcommand._commandName) }
            if let index = names.firstIndex(of: argument) {
                command = subcommands[index]
                path.append(argument)
                continue
            }
            guard let guess = Suggestion.closest(to: argument, among: names) else { return nil }
            return (path + [guess]).joined(separator: " ")
        }
        return nil
    }

    /// Every way a command can fail, each to its documented exit code with a sentence.
    static func fail(_ error: any Error) -> Never {
        switch error {
        case let error as WorkflowError:
            Output.note("rsoctl: \(error)")
            exit(error.exitCode)
        case let error as DefinitionError:
            Output.note("rsoctl: \(error)")
            exit(WorkflowError.Code.invalidData.rawValue)
        case is ValidationError, is CleanExit, is ExitCode:
            usageExit(error)
        case is CancellationError:
            Output.note("rsoctl: the command was cancelled before it finished; a write not yet committed was rolled back: retry")
            exit(WorkflowError.Code.temporary.rawValue)
        default:
            // Only the type is named: an error's dump may hold values (personal data) and helps no user.
            let type = String(reflecting: Swift.type(of: error))
            // `rsoctl help` and `--help` parse as ArgumentParser's own help command, whose run() throws its internal
            // CommandError to print the help: ArgumentParser answers it (help, exit 0).
            if type.hasPrefix("ArgumentParser.") { usageExit(error) }
            if WorkflowError.isDriverError(error) {
                Output.note("rsoctl: the database connection failed (\(type)); check that the server runs and the URL is right, then retry")
                exit(WorkflowError.Code.unavailable.rawValue)
            }
            Output.note("rsoctl: internal error (\(type)): this is a defect in rsoctl, please report it with the command that caused it")
            exit(1)
        }
    }
}

/// SIGINT and SIGTERM end the process at once. Its sockets close with it, and the server, which checks that the client
/// is still there while a statement runs (`client_connection_check_interval`), rolls back a statement not yet
/// committed: an interrupted write never lands later.
///
/// A plain signal handler, not a dispatch source: on Linux a dispatch source only hears a signal that every thread
/// blocks, and threads started before it (the event loops) do not, so the kernel could hand the signal to one of
/// them and, the disposition being "ignore", drop it. The handler does only what a handler may: write(2) and _exit.
enum Interruption {
    /// The sentences the handler writes, prepared before any signal can arrive.
    nonisolated(unsafe) static var interruptedByINT = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    nonisolated(unsafe) static var interruptedByTERM = UnsafeBufferPointer<UInt8>(start: nil, count: 0)

    static func install() {
        interruptedByINT = prepared("SIGINT")
        interruptedByTERM = prepared("SIGTERM")
        signal(SIGINT, interrupted)
        signal(SIGTERM, interrupted)
        ShutdownSignals.unblockInterruptions()
    }

    private static func prepared(_ name: String) -> UnsafeBufferPointer<UInt8> {
        let text = "rsoctl: interrupted by \(name); a write not yet committed is rolled back by the server (case history shows whether it landed)\n"
        let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: text.utf8.count)
        _ = bytes.initialize(from: text.utf8)
        return UnsafeBufferPointer(bytes)
    }
}

/// The signal handler: async-signal-safe calls only.
private func interrupted(_ number: Int32) {
    let sentence = number == SIGINT ? Interruption.interruptedByINT : Interruption.interruptedByTERM
    _ = write(2, sentence.baseAddress, sentence.count)
    _exit(128 + number)
}

/// The whole command's time limit (RSO_COMMAND_TIMEOUT), so that nothing waits for ever.
///
/// The database's own limits (connect, lock and statement timeouts) come first; this one catches whatever they do not.
enum Deadline {
    static let standard = Duration.seconds(60)
    /// Commands whose work grows with the data (a whole file, the whole database).
    static let bulk = Duration.seconds(3600)

    static func limit(for command: any ParsableCommand) throws(WorkflowError) -> Duration {
        if command is ServeCommand { return .zero }  // a server runs until it is told to stop
        if let text = ProcessInfo.processInfo.environment["RSO_COMMAND_TIMEOUT"], !text.isEmpty {
            return try Duration.setting(text, named: "RSO_COMMAND_TIMEOUT")
        }
        switch command {
        case is ImportCommand, is ExportCommand, is DemoCommand, is DatabaseCommand.Migrate, is TimersCommand.Run,
             is AuditCommand.Verify: return bulk
        default: return standard
        }
    }

    /// After `limit` (none when zero), the process stops with exit 75.
    static func start(_ limit: Duration) {
        guard limit > .zero else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(limit.milliseconds))) {
            Output.note("rsoctl: the command did not finish within \(limit.spoken) (RSO_COMMAND_TIMEOUT) and was stopped; a write not yet committed is rolled back by the server (case history shows whether it landed); it was temporary: retry")
            stop(WorkflowError.Code.temporary.rawValue)
        }
    }
}

/// Ends the process from another thread while the command's tasks still run: `_exit`, as `exit` would run the
/// process's exit handlers under their feet.
func stop(_ code: Int32) -> Never {
    fflush(nil)  // every C stream: what was printed is not lost
    _exit(code)
}

/// `rsoctl`: the admin CLI of rso-workflow.
struct RSOCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rsoctl",
        abstract: "Drive rso-workflow: cases, their stages and history, users and metrics.",
        discussion: """
            With no --database-url (or RSO_DATABASE_URL) rsoctl uses an embedded SQLite file.

            Exit codes: 0 success, 64 usage, 65 invalid data, 66 no such case/workflow/user, \
            67 transition not allowed now, 68 guard failed, 69 forbidden, 70 version conflict, \
            71 database unreachable, 75 temporary failure (retry), 130/143 interrupted (SIGINT/SIGTERM), \
            1 internal error (a defect).

            Limits: RSO_CONNECT_TIMEOUT (10 s), RSO_LOCK_TIMEOUT (5 s), RSO_STATEMENT_TIMEOUT (30 s), \
            RSO_COMMAND_TIMEOUT (60 s; import, export, demo and db migrate: 1 h; serve: none).
            """,
        subcommands: [
            DatabaseCommand.self, UsersCommand.self, ModulesCommand.self, WorkflowCommand.self,
            CaseCommand.self, MetricsCommand.self, ReportCommand.self, TimersCommand.self, DemoCommand.self,
            ImportCommand.self, ExportCommand.self, AuditCommand.self, RetentionCommand.self, ServeCommand.self,
        ])
}
