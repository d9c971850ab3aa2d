import ArgumentParser
import Foundation
import StoreSelection
import WorkflowEngine

/// Where the data is and who is acting: shared by every command that touches the database.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("database-url"),
            help: "postgres://USER@HOST:PORT/DB (URL options, in seconds: connect_timeout, lock_timeout, statement_timeout) or sqlite:PATH (env RSO_DATABASE_URL; config file database_url; default: an embedded SQLite file).")
    var databaseURL: String?

    @Option(help: "The registered user acting (env RSO_ACTOR; config file actor).")
    var actor: String?

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The defaults file's settings; `Entry` has already refused a malformed file, so a failure here reads as none.
    private var config: ConfigFile? { try? ConfigFile.current.get() }

    /// Flag, else environment, else config file; nil means the built-in default (the embedded SQLite file).
    var url: String? {
        databaseURL ?? environment["RSO_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? config?.databaseURL
    }

    /// The acting user's name; every action is done as a registered user.
    func actorName() throws -> String {
        guard let name = optionalActor else {
            let path = config?.path ?? ConfigFile.location(environment: environment).path
            throw WorkflowError(.usage, "who is acting? pass --actor NAME, set RSO_ACTOR, or put actor = \"NAME\" in \(path) (rsoctl users list shows the users; it needs no actor)")
        }
        return name
    }

    /// Flag, else environment, else config file.
    var optionalActor: String? {
        (actor.flatMap { $0.isEmpty ? nil : $0 }) ?? environment["RSO_ACTOR"].flatMap { $0.isEmpty ? nil : $0 } ?? config?.actor
    }

    /// Opens the store and an engine over it for the length of `body`.
    /// `maximumConnections` and `steadyConnections`: for a server (`PostgresStore.withStore`).
    func withEngine<T: Sendable>(maximumConnections: Int = 4, steadyConnections: Bool = false, _ body: @Sendable (Engine) async throws -> T) async throws -> T {
        let location = try StoreLocation(url: url)
        if url == nil, case .sqlite(let path) = location {
            Output.note("rsoctl: using the embedded database \(path) (set --database-url or RSO_DATABASE_URL for PostgreSQL)")
        }
        let sealing = location.sealing(environment: environment) { made in
            Output.note("rsoctl: made the master key \(made) for this database's personal data: back it up, but never beside the database's own backups; without it no personal value can be read back")
        }
        return try await location.withStore(maximumConnections: maximumConnections, steadyConnections: steadyConnections) { store in
            try await body(Engine(registry: BuiltInModules.registry, store: store, sealing: sealing, replays: { replay in
                Output.note("rsoctl: replayed: idempotency key \(replay.key) was already used by this request at \(replay.firstMadeAt.iso8601); showing its result (\(replay.reference) at version \(replay.version))")
            }))
        }
    }
}

/// The output format of commands that print data.
/// Why personal data is being read: recorded in the access log with each read that shows it.
struct PurposeOption: ParsableArguments {
    @Option(help: "Why you need the personal data shown (recorded in the access log), e.g. \"return travel booking\".")
    var purpose: String?
}

struct FormatOption: ParsableArguments {
    @Option(help: "Output format: table, json or csv.")
    var format: OutputFormat = .table
}

/// A point in time given on the command line: ISO 8601, or a date meaning midnight UTC.
struct Timestamp: ExpressibleByArgument, Sendable {
    let date: Date

    init?(argument: String) {
        guard let date = Date(iso8601: argument) else { return nil }
        self.date = date
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// A calendar day on the command line (`YYYY-MM-DD`, UTC).
struct Day: ExpressibleByArgument, Sendable {
    let date: SimpleDate

    init?(argument: String) {
        guard let date = SimpleDate(argument) else { return nil }
        self.date = date
    }
}
