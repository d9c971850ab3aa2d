import WorkflowEngine

/// The CRVS assessment module: registers the `crvs` workflow and the `crvs.access` report.
///
/// ```swift
/// let registry = try WorkflowRegistry(modules: [CRVSAssessmentModule()])
/// ```
public struct CRVSAssessmentModule: WorkflowModule {
    /// The module id, `crvs`.
    public let name = "crvs"

    /// One line for `rsoctl modules list`.
    public let summary = "Civil registration assessments: access to registering births, deaths, marriages for displaced and stateless people"

    /// The module's single workflow, `crvs`.
    public var workflows: [WorkflowDefinition] { [CRVS.workflow] }

    /// `crvs.access`: countries per access level, for each population group × vital event.
    public var reports: [ModuleReport] { [CRVS.accessReport] }

    /// Creates the module.
    public init() {}
}
