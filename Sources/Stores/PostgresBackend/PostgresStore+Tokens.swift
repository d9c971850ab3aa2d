import Foundation
import PostgresNIO
import WorkflowEngine

/// API tokens (`api_tokens`): a hash of each, revoked in place.
extension PostgresStore {
    static let tokenColumns = "t.id, t.user_name, t.created_at, t.created_by, t.expires_at, t.revoked_at, t.revoked_by"
    typealias TokenRow = (String, String, PostgresInstant, String, PostgresInstant, PostgresInstant?, String?)

    public func addToken(_ token: APIToken, hash: String) async throws {
        try await run { connection in
            try await connection.query(
                """
                INSERT INTO api_tokens (id, user_name, token_hash, created_at, created_by, expires_at)
                VALUES (\(token.id), \(token.user), \(hash), \(token.createdAt), \(token.createdBy), \(token.expiresAt))
                """, logger: logger)
        }
    }

    public func tokens(of user: String) async throws -> [APIToken] {
        try await run { connection in
            try await connection.query(
                "SELECT \(unescaped: Self.tokenColumns) FROM api_tokens t WHERE t.user_name = \(user) ORDER BY t.created_at DESC, t.id",
                logger: logger).decode(TokenRow.self).all().map(Self.token)
        }
    }

    public func token(id: String) async throws -> APIToken? {
        try await run { connection in
            try await connection.query("SELECT \(unescaped: Self.tokenColumns) FROM api_tokens t WHERE t.id = \(id)", logger: logger)
                .decode(TokenRow.self).all().first.map(Self.token)
        }
    }

    public func token(hash: String) async throws -> (APIToken, User)? {
        try await run { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: Self.tokenColumns), u.roles, u.created_at, u.created_by, u.disabled_at
                FROM api_tokens t JOIN users u ON u.name = t.user_name WHERE t.token_hash = \(hash)
                """, logger: logger)
                .decode((String, String, PostgresInstant, String, PostgresInstant, PostgresInstant?, String?,
                         [String], PostgresInstant, String?, PostgresInstant?).self).all()
            guard let row = rows.first else { return nil }
            let token = Self.token((row.0, row.1, row.2, row.3, row.4, row.5, row.6))
            return (token, try Self.user(name: row.1, roles: row.7, createdAt: row.8.date, createdBy: row.9, disabledAt: row.10?.date))
        }
    }

    public func revokeToken(id: String, at: Date, by actor: String) async throws -> Bool {
        try await run { connection in
            let rows = try await connection.query(
                "UPDATE api_tokens SET revoked_at = \(at), revoked_by = \(actor) WHERE id = \(id) AND revoked_at IS NULL RETURNING id",
                logger: logger).collect()
            return !rows.isEmpty
        }
    }

    private static func token(_ row: TokenRow) -> APIToken {
        APIToken(id: row.0, user: row.1, createdAt: row.2.date, createdBy: row.3, expiresAt: row.4.date,
                 revokedAt: row.5?.date, revokedBy: row.6)
    }
}
