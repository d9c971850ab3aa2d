import Foundation
import WorkflowEngine

extension StoreLocation {
    /// The environment variable naming the master key file (`MasterKey`).
    public static let masterKeyVariable = "RSO_MASTER_KEY_FILE"

    /// Where the master key is: `RSO_MASTER_KEY_FILE` when set; else, for an SQLite file, `PATH.key` beside it; a
    /// PostgreSQL database has no default, since every host that reaches it must hold the same key.
    public func masterKeyPath(environment: [String: String]) -> String? {
        if let path = environment[Self.masterKeyVariable], !path.isEmpty { return path }
        if case .sqlite(let path) = self { return path + ".key" }
        return nil
    }

    /// What seals and opens personal data here. An SQLite file's own key is made on first use (`made` is told where);
    /// a key that cannot be had leaves personal data unreadable and unwritable (78), and everything else working.
    public func sealing(environment: [String: String], made: (String) -> Void = { _ in }) -> CaseSealing {
        guard let path = masterKeyPath(environment: environment) else {
            return CaseSealing(unavailable: WorkflowError(.configuration, "personal data on PostgreSQL needs the master key: set \(Self.masterKeyVariable) to a file holding it (make one with openssl rand -base64 32 > FILE; chmod 600 FILE) and give every host the same file"))
        }
        do {
            if case .sqlite = self, environment[Self.masterKeyVariable]?.isEmpty ?? true, !FileManager.default.fileExists(atPath: path) {
                let key = try MasterKey.create(at: path)
                made(path)
                return CaseSealing(key)
            }
            return CaseSealing(try MasterKey.load(from: path))
        } catch {
            return CaseSealing(unavailable: error)
        }
    }
}
