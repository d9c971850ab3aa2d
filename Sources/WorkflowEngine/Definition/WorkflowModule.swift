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
}

extension WorkflowModule {
    public var summary: String { "" }
}

/// The registered modules and their validated workflows.
public struct WorkflowRegistry: Sendable {
    public let modules: [any WorkflowModule]
    public let workflows: [WorkflowDefinition]
    private let byID: [String: WorkflowDefinition]

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
        self.modules = modules
        self.workflows = workflows
        self.byID = byID
    }

    public func workflow(_ id: String) throws(WorkflowError) -> WorkflowDefinition {
        guard let workflow = byID[id] else {
            throw WorkflowError(.notFound, "no workflow \(id); known workflows: \(workflows.map(\.id).joined(separator: ", "))")
        }
        return workflow
    }

    /// The workflow whose references carry this prefix (`AVRR` in `AVRR-2026-000042`).
    public func workflow(referencePrefix prefix: String) -> WorkflowDefinition? {
        workflows.first { $0.referencePrefix == prefix }
    }
}
