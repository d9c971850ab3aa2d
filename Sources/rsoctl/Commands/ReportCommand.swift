import ArgumentParser
import WorkflowEngine
import WorkflowViews

/// `rsoctl report NAME`: a module's own report, e.g. crvs.access.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Run a module's report (rsoctl modules list names them).")
    @Argument(help: "The report, e.g. crvs.access.") var name: String
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: FormatOption

    func run() async throws {
        let actor = try global.actorName()
        let table = try await global.withEngine { try await $0.report(name, as: actor) }
        Output.print(output.format, json: ReportView(name, table),
                     table: Table(columns: table.columns, rows: table.rows.map { $0.map(\.plainText) }))
    }
}
