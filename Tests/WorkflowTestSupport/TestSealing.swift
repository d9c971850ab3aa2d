import Foundation
import WorkflowEngine

extension CaseSealing {
    /// One fixed master key for every engine a test makes, so that engines over one store open each other's cases.
    public static let testing = CaseSealing(try! MasterKey(bytes: Data(repeating: 0x5a, count: 32)))
}
