import WorkflowEngine

/// The AVRR module: registers the `avrr` workflow.
///
/// ```swift
/// let registry = try WorkflowRegistry(modules: [AVRRModule()])
/// ```
public struct AVRRModule: WorkflowModule {
    /// The module id, `avrr`.
    public let name = "avrr"

    /// One line for `rsoctl modules list`.
    public let summary = "Assisted Voluntary Return and Reintegration (IOM): counselling, approval, travel, reintegration"

    /// The module's single workflow, `avrr`.
    public var workflows: [WorkflowDefinition] { [AVRR.workflow] }

    /// Creates the module.
    public init() {}
}
