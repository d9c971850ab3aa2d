import AVRR
import CRVSAssessment
import JointPeriodOfAction
import Secondments
import WorkflowEngine

/// The modules rsoctl ships with: adding a module is one line here.
enum BuiltInModules {
    static let all: [any WorkflowModule] = [
        AVRRModule(),
        JointPeriodOfActionModule(),
        SecondmentsModule(),
        CRVSAssessmentModule(),
    ]

    /// Validated once per process; an invalid built-in definition is a programming error.
    static let registry: WorkflowRegistry = {
        do {
            return try WorkflowRegistry(modules: all)
        } catch {
            preconditionFailure("built-in workflow definitions are invalid: \(error)")
        }
    }()
}
