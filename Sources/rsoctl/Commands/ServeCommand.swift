import ArgumentParser
import Foundation
import Logging
import StoreSelection
import WorkflowEngine
import WorkflowServer

/// `rsoctl serve`: the HTTP server over the database this command selects, as every other does.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API (docs/api.md) until SIGTERM or SIGINT.",
        discussion: """
            Logs one JSON object per line on stderr: "listening" with the bound address, one "request" line per \
            request (request id, method, route, status, duration, and the user once a token or a web session names them; \
            never a value), "stopping" and "stopped". The first \
            SIGTERM or SIGINT stops accepting connections and finishes the requests in flight; a second ends the \
            process at once. No command deadline applies (RSO_COMMAND_TIMEOUT is ignored).
            """)
    @Option(help: "Where to listen: HOST:PORT (IPv6 in brackets); port 0 takes a free port.") var listen = "127.0.0.1:8080"
    @Option(help: "PostgreSQL connections to hold, 1 to 100 (all opened at start); SQLite ignores it.") var pool = 8
    @Option(name: .customLong("request-timeout"), help: "Answer every request within this many seconds, 1 to 3600 (503 past it).")
    var requestTimeout = 30
    @Flag(help: "Also run the timers here (as rsoctl timers run), every --timer-interval; safe with several servers.") var timers = false
    @Option(name: .customLong("timer-interval"), help: "Seconds between timer runs with --timers, 1 to 86400.") var timerInterval = 60
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if !(1...100).contains(pool) { throw ValidationError("--pool must be from 1 to 100 connections") }
        if !(1...3600).contains(requestTimeout) { throw ValidationError("--request-timeout must be from 1 to 3600 seconds") }
        if !(1...86_400).contains(timerInterval) { throw ValidationError("--timer-interval must be from 1 to 86400 seconds") }
    }

    func run() async throws {
        try await Self.serve(global: global, listen: listen, pool: pool, requestTimeout: requestTimeout, timerInterval: timers ? timerInterval : nil)
    }

    /// Serves until a shutdown signal, on the database `global` selects (also `rsoctl demo --serve`'s last step).
    static func serve(global: GlobalOptions, listen: String, pool: Int = 8, requestTimeout: Int = 30, timerInterval: Int? = nil) async throws {
        let address = try ListenAddress(listen)
        Output.notesAsJSONLines = true
        let logger = Logger(label: "rsoctl.serve") { JSONLinesLogHandler(label: $0) }
        let isPostgres = if case .postgres = try StoreLocation(url: global.url) { true } else { false }
        let metrics = ServerMetrics(poolConnections: isPostgres ? pool : nil)
        let (requestTimeout, interval) = (Duration.seconds(requestTimeout), timerInterval.map { Duration.seconds($0) })
        try await global.withEngine(maximumConnections: pool, steadyConnections: true) { engine in
            var engine = engine
            // A replay is logged by the case it showed, never by its key: a client's key is its own text.
            engine.replays = { replay in
                logger.info("replayed", metadata: ["reference": .string(replay.reference), "version": .stringConvertible(replay.version)])
            }
            try await WorkflowServer(engine: engine, address: address, logger: logger, metrics: metrics,
                                     requestTimeout: requestTimeout, timerInterval: interval).run()
        }
    }
}
