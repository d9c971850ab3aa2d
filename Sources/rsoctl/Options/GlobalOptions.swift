import ArgumentParser
import Foundation
import WorkflowEngine

/// Where the data is and who is acting: shared by every command that touches the database.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("database-url"),
            help: "postgres://USER@HOST:PORT/DB or sqlite:PATH (env RSO_DATABASE_URL; default: an embedded SQLite file).")
    var databaseURL: String?

    @Option(help: "The registered user acting (env RSO_ACTOR).")
    var actor: String?

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    var url: String? { databaseURL ?? environment["RSO_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } }

    /// The acting user's name; every action is done as a registered user.
    func actorName() throws -> String {
        guard let name = actor ?? environment["RSO_ACTOR"], !name.isEmpty else {
            throw WorkflowError(.usage, "who is acting? pass --actor NAME or set RSO_ACTOR (rsoctl users list shows the users)")
        }
        return name
    }

    var optionalActor: String? { actor ?? environment["RSO_ACTOR"].flatMap { $0.isEmpty ? nil : $0 } }

    /// Opens the store and an engine over it for the length of `body`.
    func withEngine<T: Sendable>(_ body: @Sendable (Engine) async throws -> T) async throws -> T {
        let location = try StoreLocation(url: url)
        if url == nil, case .sqlite(let path) = location {
            Output.note("rsoctl: using the embedded database \(path) (set --database-url or RSO_DATABASE_URL for PostgreSQL)")
        }
        return try await location.withStore { store in
            try await body(Engine(registry: BuiltInModules.registry, store: store))
        }
    }
}

/// The output format of commands that print data.
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
