import ArgumentParser
import WorkflowEngine

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

/// The `workflow show` JSON shape.
struct WorkflowView: Encodable {
    struct State: Encodable { let name: String; let kind: String }
    struct Transition: Encodable { let name: String; let from: [String]; let to: String; let roles: [String]; let guards: [String] }
    struct Field: Encodable { let name: String; let type: String; let data: String; let requiredAtOpen: Bool; let unique: String? }
    struct Timer: Encodable { let state: String; let deadline: String; let action: String }

    let id: String
    let version: Int
    let referencePrefix: String
    let title: String
    let states: [State]
    let transitions: [Transition]
    let fields: [Field]
    let timers: [Timer]
    let parentWorkflow: String?
    let outcomes: [String]
    let outcomesRecordableIn: [String]
    /// Days personal values are kept once a case is final (`retention run`); null: until erased by hand.
    let personalDataKeptDays: Int?

    // Every key is written, null included: scripts read the same shape for every workflow.
    enum CodingKeys: String, CodingKey {
        case id, version, referencePrefix, title, states, transitions, fields, timers, parentWorkflow, outcomes,
             outcomesRecordableIn, personalDataKeptDays
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(version, forKey: .version)
        try c.encode(referencePrefix, forKey: .referencePrefix); try c.encode(title, forKey: .title)
        try c.encode(states, forKey: .states); try c.encode(transitions, forKey: .transitions)
        try c.encode(fields, forKey: .fields); try c.encode(timers, forKey: .timers)
        try c.encode(parentWorkflow, forKey: .parentWorkflow); try c.encode(outcomes, forKey: .outcomes)
        try c.encode(outcomesRecordableIn, forKey: .outcomesRecordableIn)
        try c.encode(personalDataKeptDays, forKey: .personalDataKeptDays)
    }

    init(_ definition: WorkflowDefinition) {
        personalDataKeptDays = definition.personalDataKeptDays
        parentWorkflow = definition.parentWorkflow
        outcomes = definition.outcomes?.names ?? []
        outcomesRecordableIn = definition.outcomes?.states ?? []
        id = definition.id
        version = definition.version
        referencePrefix = definition.referencePrefix
        title = definition.title
        states = definition.states.map { State(name: $0.name, kind: $0.kind.rawValue) }
        transitions = definition.transitions.map {
            Transition(name: $0.name, from: $0.from, to: $0.to.label, roles: $0.roles.map(\.rawValue), guards: $0.guards.map(\.name))
        }
        fields = definition.fields.map {
            Field(name: $0.name, type: $0.type.name, data: $0.dataClass.rawValue, requiredAtOpen: $0.requiredAtOpen, unique: $0.unique?.rawValue)
        }
        timers = definition.timers.map { timer in
            let deadline: String
            switch timer.deadline {
            case .daysInState(let days): deadline = "\(days) days in state"
            case .onField(let field, let days): deadline = days == 0 ? "on \(field)" : "\(days) days after \(field)"
            }
            let action: String
            switch timer.action {
            case .markOverdue: action = "overdue"
            case .fire(let transition): action = "system fires \(transition)"
            }
            return Timer(state: timer.state, deadline: deadline, action: action)
        }
    }

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
