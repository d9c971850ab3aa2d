import ArgumentParser
import WorkflowEngine

/// `rsoctl metrics …`: figures for managers.
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Stage counts and other figures for managers.", subcommands: [Stages.self, Outcomes.self])

    struct Stages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "How many cases stand in each state, in definition order.")
        @Argument(help: "The workflow, e.g. avrr.") var workflow: String
        @Option(help: "Split each count by this field's value, e.g. host_country.") var by: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let report = try await global.withEngine { try await $0.stageCounts(workflow, by: by, as: actor) }
            let view = StageReportView(report)
            Output.print(output.format, json: view, table: view.table)
        }
    }
}

extension MetricsCommand {
    struct Outcomes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Outcome totals, corrections included (e.g. arrests per period).")
        @Argument(help: "A workflow with outcome counters, e.g. jpa.operation.") var workflow: String
        @Option(help: "Only the children of this case, e.g. a JPA period's operations.") var parent: String?
        @Option(help: "Split the totals by this field's value, e.g. lead_country.") var by: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let report = try await global.withEngine {
                try await $0.outcomeTotals(workflow, parent: parent.map(CaseLocator.init), by: by, as: actor)
            }
            let view = OutcomeReportView(workflow: report.workflow, totals: report.totals, by: report.by)
            Output.print(output.format, json: view, table: view.table)
        }
    }
}

/// The `metrics outcomes` JSON shape: `{"workflow", "totals", "by"?}`.
struct OutcomeReportView: Encodable {
    let workflow: String
    let totals: [String: Int]
    let by: [String: [String: Int]]?

    var table: Table {
        let names = totals.keys.sorted()
        let groups = (by ?? [:]).keys.sorted()
        return Table(
            columns: ["outcome", "total"] + groups,
            rows: names.map { name in [name, String(totals[name] ?? 0)] + groups.map { String(by?[$0]?[name] ?? 0) } })
    }
}

/// The `metrics stages` JSON shape: `{"workflow", "asOf", "stages": [{"state", "count", "by"?}]}`.
struct StageReportView: Encodable {
    struct Stage: Encodable {
        let state: String
        let count: Int
        let by: [String: Int]?
    }

    let workflow: String
    let asOf: String?
    let stages: [Stage]

    init(_ report: StageReport) {
        workflow = report.workflow
        asOf = report.asOf
        stages = report.stages.map { Stage(state: $0.state, count: $0.count, by: $0.by) }
    }

    func encode(to encoder: any Encoder) throws {
        enum Keys: String, CodingKey { case workflow, asOf, stages }
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(workflow, forKey: .workflow)
        try container.encode(asOf, forKey: .asOf)  // null, never omitted: dashboards read it
        try container.encode(stages, forKey: .stages)
    }

    var table: Table {
        let values = Array(Set(stages.flatMap { $0.by?.keys.map { $0 } ?? [] })).sorted()
        return Table(
            columns: ["state", "count"] + values,
            rows: stages.map { stage in [stage.state, String(stage.count)] + values.map { String(stage.by?[$0] ?? 0) } })
    }
}
