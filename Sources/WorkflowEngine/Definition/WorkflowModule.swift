/// A plug-in that registers workflows.
///
/// ```swift
/// struct AVRRModule: WorkflowModule {
///     let name = "avrr"
///     var workflows: [WorkflowDefinition] { [AVRR.workflow] }
/// }
/// ```
public protocol WorkflowModule: Sendable {
    /// Short id, e.g. `avrr`.
    var name: String { get }
    /// One line for `rsoctl modules list`.
    var summary: String { get }
    var workflows: [WorkflowDefinition] { get }
    /// Named reports over the module's cases (`rsoctl report crvs.access`).
    var reports: [ModuleReport] { get }
}

extension WorkflowModule {
    public var summary: String { "" }
    public var reports: [ModuleReport] { [] }
}

/// A module's own report: a table computed from every case of one workflow.
public struct ModuleReport: Sendable {
    public let name: String
    public let summary: String
    public let workflow: String
    public let build: @Sendable ([CaseRecord]) -> ReportTable

    public init(name: String, summary: String, workflow: String, build: @escaping @Sendable ([CaseRecord]) -> ReportTable) {
        self.name = name
        self.summary = summary
        self.workflow = workflow
        self.build = build
    }
}

/// A report's result: named columns and rows of values (numbers stay numbers in JSON).
public struct ReportTable: Sendable, Hashable {
    public let columns: [String]
    public let rows: [[JSONValue]]

    public init(columns: [String], rows: [[JSONValue]]) {
        self.columns = columns
        self.rows = rows
    }
}

/// The registered modules and their validated workflows.
public struct WorkflowRegistry: Sendable {
    public let modules: [any WorkflowModule]
    public let workflows: [WorkflowDefinition]
    private let byID: [String: WorkflowDefinition]
    /// Names of transitions, in any workflow, with a guard that reads the parent case.
    private let parentReading: Set<String>

    /// Validates every workflow; throws the first invalid one with all its problems.
    public init(modules: [any WorkflowModule]) throws(DefinitionError) {
        var workflows: [WorkflowDefinition] = []
        var byID: [String: WorkflowDefinition] = [:]
        for module in modules {
            for workflow in module.workflows {
                try workflow.validate()
                if byID[workflow.id] != nil {
                    throw DefinitionError(workflow: workflow.id, problems: ["workflow id registered by two modules"])
                }
                byID[workflow.id] = workflow
                workflows.append(workflow)
            }
        }
        for workflow in workflows {
            if let parent = workflow.parentWorkflow, byID[parent] == nil {
                throw DefinitionError(workflow: workflow.id, problems: ["parent workflow \(parent) is not registered"])
            }
        }
        try Self.checkTogether(workflows)
        self.modules = modules
        self.workflows = workflows
        self.byID = byID
        self.parentReading = Set(workflows.flatMap(\.transitions).filter { $0.guards.contains(where: \.readsParent) }.map(\.name))
    }

    public func workflow(_ id: String) throws(WorkflowError) -> WorkflowDefinition {
        guard let workflow = byID[id] else {
            throw WorkflowError(.notFound, "no workflow \(id); known workflows: \(workflows.map(\.id).joined(separator: ", "))")
        }
        return workflow
    }

    /// Whether a transition of this name has a guard that reads the parent case (in any workflow).
    public func guardsReadParent(_ transition: String) -> Bool { parentReading.contains(transition) }

    /// Every module's reports.
    public var reports: [ModuleReport] { modules.flatMap(\.reports) }

    /// The workflow whose references carry this prefix (`AVRR` in `AVRR-2026-000042`).
    public func workflow(referencePrefix prefix: String) -> WorkflowDefinition? {
        workflows.first { $0.referencePrefix == prefix }
    }
}
