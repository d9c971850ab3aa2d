import ArgumentParser
import Foundation
import WorkflowEngine
import WorkflowViews

/// `rsoctl metrics …`: figures for managers.
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Stage counts and other figures for managers.", subcommands: [Stages.self, Overdue.self, Flow.self, Durations.self, Outcomes.self])

    struct Stages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "How many cases stand in each state, in definition order.")
        @Argument(help: "The workflow, e.g. avrr.", transform: WorkflowID.parse) var workflow: String
        @Option(name: .customLong("as-of"), help: "Counts at the end of this day (UTC), e.g. 2013-06-24.") var asOf: Day?
        @Option(help: "Split each count by this field's value, e.g. host_country.") var by: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let report = try await global.withEngine { try await $0.stageCounts(workflow, asOf: asOf?.date, by: by, as: actor) }
            let view = StageReportView(report)
            Output.print(output.format, json: view, table: view.table)
        }
    }
}

extension MetricsCommand {
    struct Overdue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "How many cases stand past their due date in each state, now.")
        @Argument(help: "The workflow, e.g. avrr.", transform: WorkflowID.parse) var workflow: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let view = StageReportView(try await global.withEngine { try await $0.overdueCounts(workflow, as: actor) })
            Output.print(output.format, json: view, table: view.table)
        }
    }

    struct Outcomes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Outcome totals, corrections included (e.g. arrests per period).")
        @Argument(help: "A workflow with outcome counters, e.g. jpa.operation.", transform: WorkflowID.parse) var workflow: String
        @Option(help: "Only the children of this case, e.g. a JPA period's operations.") var parent: String?
        @Option(help: "Only outcomes recorded from the start of this day (UTC).") var from: Day?
        @Option(help: "Only outcomes recorded up to the end of this day (UTC).") var to: Day?
        @Option(help: "Split the totals by this field's value, e.g. lead_country.") var by: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let report = try await global.withEngine {
                try await $0.outcomeTotals(workflow, parent: parent.map(CaseLocator.init), from: from?.date, to: to?.date,
                                           by: by, as: actor)
            }
            let view = OutcomeReportView(report)
            Output.print(output.format, json: view, table: view.table)
        }
    }
}

extension MetricsCommand {
    struct Flow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "How many cases entered a state in a period, both days included (e.g. returns in a financial year).")
        @Argument(help: "The workflow, e.g. avrr.", transform: WorkflowID.parse) var workflow: String
        @Option(help: "The state entered, e.g. returned.") var into: String
        @Option(help: "First day of the period (UTC), e.g. 2016-07-01.") var from: Day
        @Option(help: "Last day of the period (UTC), e.g. 2017-06-30.") var to: Day
        @Option(help: "Split the count by this field's value, e.g. destination_country.") var by: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let report = try await global.withEngine {
                try await $0.flow(workflow, into: into, from: from.date, to: to.date, by: by, as: actor)
            }
            let view = FlowReportView(report)
            let rows = [["(all)", String(report.count)]] + (report.by ?? [:]).sorted { $0.key < $1.key }.map { [$0.key, String($0.value)] }
            Output.print(output.format, json: view, table: Table(columns: [by ?? "cases", "entered \(into)"], rows: rows))
        }
    }

    struct Durations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Days spent in each state (median, 90th percentile), or from registration to --state, over cases that got there.")
        @Argument(help: "The workflow, e.g. avrr.", transform: WorkflowID.parse) var workflow: String
        @Option(help: "Measure from opening to first entering this state instead, e.g. returned.") var state: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let report = try await global.withEngine { try await $0.durations(workflow, to: state, as: actor) }
            let view = DurationReportView(report)
            Output.print(output.format, json: view, table: Table(
                columns: [report.toState == nil ? "state" : "opened → state", "count", "median days", "p90 days"],
                rows: view.durations.map { [$0.state, String($0.count), Self.days($0.medianDays), Self.days($0.p90Days)] }))
        }

        static func days(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "" }
    }
}

extension OutcomeReportView {
    var table: Table {
        let names = totals.keys.sorted()
        let groups = (by ?? [:]).keys.sorted()
        return Table(
            columns: ["outcome", "total"] + groups,
            rows: names.map { name in [name, String(totals[name] ?? 0)] + groups.map { String(by?[$0]?[name] ?? 0) } })
    }
}

extension StageReportView {
    var table: Table {
        let values = Array(Set(stages.flatMap { $0.by?.keys.map { $0 } ?? [] })).sorted()
        return Table(
            columns: ["state", "count"] + values,
            rows: stages.map { stage in [stage.state, String(stage.count)] + values.map { String(stage.by?[$0] ?? 0) } })
    }
}
