/// A store whose database has roles of its own (PostgreSQL): the schema's owner runs migrations, and the engine runs
/// as an application role that owns nothing, so that it cannot alter tables, disable the history's triggers or
/// rewrite the history, even if its password leaks.
public protocol ApplicationRoleGranting: Sendable {
    /// Grants `role` exactly what every command needs (revoking anything else it had on the schema's tables);
    /// returns what it granted, one line per table.
    func grantApplicationRole(_ role: String) async throws -> [String]
}
