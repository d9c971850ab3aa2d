import Foundation
import PostgresNIO
import WorkflowEngine

extension PostgresStore: ApplicationRoleGranting {
    public func grantApplicationRole(_ role: String) async throws -> [String] {
        guard role.range(of: #"^[A-Za-z_][A-Za-z0-9_]{0,62}$"#, options: .regularExpression) != nil else {
            throw WorkflowError(.usage, "--grant-to needs a role name: a letter or _, then letters, digits or _, at most 63")
        }
        return try await run { connection in
            let found = try await connection.query(
                "SELECT rolsuper, rolname = current_user FROM pg_roles WHERE rolname = \(role)", logger: logger
            ).decode((Bool, Bool).self).all()
            guard let (superuser, isOwner) = found.first else {
                throw WorkflowError(.notFound, "role \(role) does not exist; create it first (CREATE ROLE \(role) LOGIN PASSWORD '…'), then grant")
            }
            guard !isOwner else {
                throw WorkflowError(.usage, "\(role) is the role running the migration (the schema's owner); grant to another role, one that owns nothing")
            }
            guard !superuser else {
                throw WorkflowError(.usage, "\(role) is a superuser and could rewrite the history whatever is granted; use a role without SUPERUSER")
            }
            let tables = try await connection.query(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename", logger: logger
            ).decode(String.self).all()
            var statements = [
                "REVOKE ALL ON ALL TABLES IN SCHEMA \"$schema\" FROM \"\(role)\"",
                "REVOKE ALL ON ALL SEQUENCES IN SCHEMA \"$schema\" FROM \"\(role)\"",
                "GRANT USAGE ON SCHEMA \"$schema\" TO \"\(role)\"",
                // Only to take the history's next seq (and an import's id).
                "GRANT USAGE ON ALL SEQUENCES IN SCHEMA \"$schema\" TO \"\(role)\"",
            ]
            var granted: [String] = []
            for table in tables {
                guard let privileges = PostgresSchema.applicationPrivileges[table] else {
                    throw WorkflowError(.unavailable, "table \(table) has no privileges declared for the application role (PostgresSchema.applicationPrivileges); nothing was granted")
                }
                statements.append("GRANT \(privileges) ON \"\(table)\" TO \"\(role)\"")
                granted.append("\(table): \(privileges)")
            }
            let schema = try await connection.query("SELECT current_schema()", logger: logger).decode(String.self).all()[0]
            try await connection.query("BEGIN", logger: logger)
            do {
                for statement in statements {
                    let sql = statement.replacingOccurrences(of: "$schema", with: schema.replacingOccurrences(of: "\"", with: "\"\""))
                    try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                }
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            return granted
        }
    }
}
