import WorkflowEngine

/// The Secondments module: registers the `secondment` workflow.
///
/// ```swift
/// let registry = try WorkflowRegistry(modules: [SecondmentsModule()])
/// ```
public struct SecondmentsModule: WorkflowModule {
    /// The module id, `secondments`.
    public let name = "secondments"

    /// One line for `rsoctl modules list`.
    public let summary = "Officials seconded to the RSO by member states and organisations, from proposal to report"

    /// The module's single workflow, `secondment`.
    public var workflows: [WorkflowDefinition] { [Secondments.workflow] }

    /// Creates the module.
    public init() {}
}
