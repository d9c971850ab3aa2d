import ArgumentParser
import Foundation
import Logging
import WorkflowEngine
import WorkflowServer

/// `rsoctl serve`: the HTTP server over the database this command selects, as every other does.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API (docs/api.md) until SIGTERM or SIGINT.",
        discussion: """
            Logs one JSON object per line on stderr: "listening" with the bound address, one "request" line per \
            request (request id, method, route, status, duration; never a value), "stopping" and "stopped". The first \
            SIGTERM or SIGINT stops accepting connections and finishes the requests in flight; a second ends the \
            process at once. No command deadline applies (RSO_COMMAND_TIMEOUT is ignored).
            """)
    @Option(help: "Where to listen: HOST:PORT (IPv6 in brackets); port 0 takes a free port.") var listen = "127.0.0.1:8080"
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let address = try ListenAddress(listen)
        Output.notesAsJSONLines = true
        let logger = Logger(label: "rsoctl.serve") { JSONLinesLogHandler(label: $0) }
        try await global.withEngine(steadyConnections: true) { engine in
            try await WorkflowServer(engine: engine, address: address, logger: logger).run()
        }
    }
}
