import Foundation
import WorkflowEngine

extension CaseSealing {
    /// The benchmark's master key: its own engines and the rsoctl processes it starts seal personal values with it,
    /// as rsoctl does in use. Unless RSO_MASTER_KEY_FILE already names one, a key file is made for this run and named
    /// in the environment the rsoctl children inherit.
    static let benchmark: CaseSealing = {
        let path: String
        if let given = ProcessInfo.processInfo.environment["RSO_MASTER_KEY_FILE"], !given.isEmpty {
            path = given
        } else {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("rsobench-\(getpid()).key").path
            _ = try! MasterKey.create(at: path)
            setenv("RSO_MASTER_KEY_FILE", path, 1)
        }
        return CaseSealing(try! MasterKey.load(from: path))
    }()
}
