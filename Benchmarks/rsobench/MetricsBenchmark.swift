import AVRR
import ArgumentParser
import Foundation
import JointPeriodOfAction
import PostgresNIO
import PostgresBackend
import SQLiteBackend
import StoreSelection
import WorkflowEngine

/// `rsobench metrics`: loads a million AVRR cases, times the metrics through the engine and as plain SQL, and the writes.
struct MetricsBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Time stage counts, flows, durations and outcomes (engine vs plain SQL) and transitions/s with and without the projection.",
        discussion: """
            Applies the migrations, loads --cases AVRR cases with their history into an empty database (or measures \
            the data already there with --reuse), then prints one table on stdout (JSON with --json). Progress goes to stderr.
            """)

    @Option(name: .customLong("database-url"), help: "postgres://USER@HOST:PORT/DATABASE of an empty database it may fill.")
    var databaseURL: String

    @Option(help: "AVRR cases to generate (about 7 events each).")
    var cases = 1_000_000

    @Option(help: "Times each metric is asked, through the engine and as SQL.")
    var runs = 5

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(name: .customLong("transition-cases"), help: "Fresh cases per writer and round for the transitions benchmark.")
    var transitionCases = 2_000

    @Option(help: "Concurrent writers for the transitions benchmark.")
    var workers = 4

    @Option(name: .customLong("import-rows"), help: "Rows of the CSV file rsoctl imports (then a file three times as long).")
    var importRows = 100_000

    @Option(help: "The rsoctl binary that imports (default: the one beside rsobench).")
    var rsoctl: String?

    @Flag(help: "Measure the data already in the database instead of refusing a non-empty one.")
    var reuse = false

    func validate() throws {
        guard cases > 0, runs > 0, transitionCases > 0, workers > 0, importRows > 0 else {
            throw ValidationError("--cases, --runs, --transition-cases, --workers and --import-rows must be positive")
        }
    }

    func run() async throws {
        let location = try PostgresLocation(url: databaseURL)
        let (cases, runs, workers, transitionCases, reuse) = (cases, runs, workers, transitionCases, reuse)
        let (importRows, rsoctl, databaseURL) = (importRows, rsoctl ?? RsoctlLatency.sibling(), databaseURL)
        _ = try await PostgresStore.withStore(location) { try await $0.migrate() }
        let report = try await RawDatabase.with(location, connections: workers + 2) { database in
            try await PostgresStore.withStore(location, maximumConnections: workers + 2) { store in
                let loader = DataLoader(database: database)
                let existing = try await database.integer("SELECT count(*)::int8 FROM cases")
                var steps: [LoadStep]?
                if existing == 0 {
                    note("loading \(cases) cases into \(location)")
                    steps = try await loader.load(cases: cases)
                } else if !reuse {
                    throw BenchmarkError("\(location) already holds \(existing) cases: give an empty database, or --reuse to measure them")
                } else {
                    note("reusing the \(existing) cases already in \(location)")
                }
                var dataset = try await loader.summary()
                dataset.loadSteps = steps ?? []
                dataset.loadSeconds = steps.map { $0.reduce(0) { $0 + $1.seconds } }
                note("\(dataset.cases) cases, \(dataset.events) events, \(dataset.intervals) stage intervals")

                let loadBefore = loadAverage()
                let engine = Engine(registry: try WorkflowRegistry(modules: [AVRRModule(), JointPeriodOfActionModule()]), store: store, sealing: .benchmark)
                let (_, buildMs) = try await Stopwatch.time { try await EngineMetrics(engine: engine).stages() }
                note(String(format: "first metric after the load, building the summaries: %.0f ms", buildMs))
                let metrics = try await MetricMeasurements(
                    engine: EngineMetrics(engine: engine), raw: RawBaselines(database: database), runs: runs).measure()
                let transitions = try await TransitionMeasurements(
                    engine: engine, database: database, cases: transitionCases, workers: workers, rounds: min(runs, 3)).measure()
                guard let rsoctl else {
                    throw BenchmarkError("no rsoctl beside rsobench: build it (swift build -c release --product rsoctl) or pass --rsoctl")
                }
                let imports = try ImportMeasurement(executable: rsoctl, databaseURL: databaseURL, rows: importRows).measure()
                return BenchmarkReport(
                    dataset: dataset, runs: runs, metrics: metrics, transitions: transitions, transitionWorkers: workers,
                    peakRSSKiB: peakResidentKiB(), summaryBuildMilliseconds: buildMs, imports: imports, loadAverage: (loadBefore, loadAverage()))
            }
        }
        print(json ? try report.json() : report.table())
        if report.metrics.contains(where: { !$0.answersEqual }) {
            throw BenchmarkError("the engine's answers differ from plain SQL's (details above on stderr)")
        }
    }
}

extension BenchmarkError: LocalizedError {
    var errorDescription: String? { description }
}
