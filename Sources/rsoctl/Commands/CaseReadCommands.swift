import ArgumentParser
import Foundation
import WorkflowEngine
import WorkflowViews

extension CaseCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a case as it stands now.")
        @Argument(help: "The case's reference or id.") var reference: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var why: PurposeOption
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let view = try await global.withEngine { engine in
                try await CaseView.of(try await engine.show(CaseLocator(reference), as: actor, purpose: why.purpose), in: engine)
            }
            view.print(as: output.format)
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a case's history, oldest event first.")
        @Argument(help: "The case's reference or id.") var reference: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var why: PurposeOption
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let (record, events) = try await global.withEngine { try await $0.history(CaseLocator(reference), as: actor, purpose: why.purpose) }
            let view = HistoryView(record, events)
            Output.print(output.format, json: view, table: view.table)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List cases, oldest first.")
        @Option(help: "Only this workflow.", transform: WorkflowID.parse) var workflow: String?
        @Option(help: "Only cases in this state.") var state: String?
        @Option(help: "Only children of this case (reference or id).") var parent: String?
        @Flag(help: "Only cases past their due date.") var overdue = false
        @OptionGroup var fields: FieldArguments
        @Option(help: "At most this many cases.") var limit = 100
        @OptionGroup var global: GlobalOptions
        @OptionGroup var why: PurposeOption
        @OptionGroup var output: FormatOption

        func validate() throws {
            if limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            let actor = try global.actorName()
            let filters = try fields.filters()
            // One instant for the filter and for each case's lateness, so they agree.
            let now = Date()
            let list = try await global.withEngine { engine in
                var parentID: UUID?
                if let parent { parentID = try await engine.find(CaseLocator(parent)).id }
                let query = CaseQuery(workflow: workflow, state: state, parentID: parentID,
                                      overdueAt: overdue ? now : nil, fieldEquals: filters, limit: limit)
                return try await CaseListView.of(try await engine.list(query, as: actor, purpose: why.purpose), in: engine, now: now)
            }
            Output.print(output.format, json: list,
                         table: Table(columns: CaseView.listColumns, rows: list.cases.map(\.listRow)))
        }
    }
}
