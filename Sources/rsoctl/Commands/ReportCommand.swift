import ArgumentParser
import WorkflowEngine

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
        let rows = table.rows.map { row in
            Dictionary(uniqueKeysWithValues: zip(table.columns, row))
        }
        Output.print(output.format, json: ReportView(report: name, rows: rows),
                     table: Table(columns: table.columns, rows: table.rows.map { $0.map(\.plainText) }))
    }
}

/// The `report` JSON shape: `{"report", "rows": [{column: value}]}`.
struct ReportView: Encodable {
    let report: String
    let rows: [[String: JSONValue]]
}
