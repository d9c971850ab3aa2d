import WorkflowEngine

/// The Joint Period of Action module: registers `jpa.period` and its operations, `jpa.operation`.
///
/// ```swift
/// let registry = try WorkflowRegistry(modules: [JointPeriodOfActionModule()])
/// ```
public struct JointPeriodOfActionModule: WorkflowModule {
    /// The module id, `jpa`.
    public let name = "jpa"

    /// One line for `rsoctl modules list`.
    public let summary = "Joint Periods of Action against smuggling and trafficking networks, and the outcomes of their operations"

    /// The period first: operations are opened under it.
    public var workflows: [WorkflowDefinition] { [JPA.period, JPA.operation] }

    /// Creates the module.
    public init() {}
}

/// Joint Periods of Action: coordinated periods (`jpa.period`, references `JPA-YYYY-NNNNNN`) in
/// which agencies of several member states run operations (`jpa.operation`, `JPAOP-YYYY-NNNNNN`)
/// against people-smuggling and trafficking networks, and log what each achieved.
public enum JPA {}
