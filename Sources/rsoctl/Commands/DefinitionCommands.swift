import ArgumentParser
import WorkflowEngine
import WorkflowViews

/// `rsoctl modules list`: the plug-ins this rsoctl carries.
struct ModulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modules", abstract: "List the built-in modules.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List modules and the workflows they register.")
        @OptionGroup var output: FormatOption

        func run() async throws {
            struct ModuleView: Encodable { let name: String; let summary: String; let workflows: [String]; let reports: [String] }
            let views = BuiltInModules.registry.modules.map {
                ModuleView(name: $0.name, summary: $0.summary, workflows: $0.workflows.map(\.id), reports: $0.reports.map(\.name))
            }
            Output.print(output.format, json: ["modules": views], table: Table(
                columns: ["module", "workflows", "reports", "summary"],
                rows: views.map { [$0.name, $0.workflows.joined(separator: ", "), $0.reports.joined(separator: ", "), $0.summary] }))
        }
    }
}

/// `rsoctl workflow …`: the registered definitions.
struct WorkflowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow", abstract: "List, show and draw workflows.", subcommands: [List.self, Show.self, Graph.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registered workflows.")
        @OptionGroup var output: FormatOption

        func run() async throws {
            let views = BuiltInModules.registry.workflows.map(WorkflowView.init)
            Output.print(output.format, json: ["workflows": views], table: Table(
                columns: ["workflow", "version", "prefix", "states", "transitions", "title"],
                rows: views.map { [$0.id, String($0.version), $0.referencePrefix, String($0.states.count),
                                   String($0.transitions.count), $0.title] }))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a workflow's states, transitions, fields and timers.")
        @Argument(help: "The workflow, e.g. avrr.", transform: WorkflowID.parse) var workflow: String
        @OptionGroup var output: FormatOption

        func run() async throws {
            let view = WorkflowView(try BuiltInModules.registry.workflow(workflow))
            Output.print(output.format, json: view, table: view.table)
        }
    }

    struct Graph: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Draw a workflow as Mermaid or Graphviz DOT.")
        @Argument(help: "The workflow, e.g. avrr.", transform: WorkflowID.parse) var workflow: String
        @Option(help: "mermaid or dot.") var format: GraphFormat = .mermaid

        func run() async throws {
            print(WorkflowGraph.render(try BuiltInModules.registry.workflow(workflow), as: format))
        }
    }
}

extension GraphFormat: ExpressibleByArgument {}

extension WorkflowView {
    var table: Table {
        var rows: [[String]] = parentWorkflow.map { [["parent", $0, "every case is opened under \(Article.a($0)) case"]] } ?? []
        rows += states.map { ["state", $0.name, $0.kind] }
        rows += transitions.map {
            ["transition", $0.name,
             "\($0.from.joined(separator: ", ")) → \($0.to) [\($0.roles.joined(separator: ", "))]"
                + ($0.guards.isEmpty ? "" : "; guards: \($0.guards.joined(separator: "; "))")]
        }
        rows += fields.map {
            ["field", $0.name, [$0.type, $0.data == "ordinary" ? nil : $0.data, $0.requiredAtOpen ? "required at open" : nil,
                                $0.unique.map { "unique \($0)" }].compactMap { $0 }.joined(separator: ", ")]
        }
        rows += timers.map { ["timer", $0.state, "\($0.deadline): \($0.action)"] }
        rows += outcomes.map { ["outcome", $0, "recordable in \(outcomesRecordableIn.joined(separator: ", "))"] }
        if let days = personalDataKeptDays {
            rows.append(["retention", "personal data", "kept \(days) days after a final state, then erased (rsoctl retention run)"])
        }
        return Table(columns: ["kind", "name", "detail"], rows: rows)
    }
}
