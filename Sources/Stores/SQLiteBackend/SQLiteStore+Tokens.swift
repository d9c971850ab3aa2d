import Foundation
import SQLiteNIO
import WorkflowEngine

/// API tokens (`api_tokens`): a hash of each, revoked in place.
extension SQLiteStore {
    public func addToken(_ token: APIToken, hash: String) async throws {
        try await transaction {
            _ = try await self.query(
                """
                INSERT INTO api_tokens (id, user_name, token_hash, created_at, created_by, expires_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                [.text(token.id), .text(token.user), .text(hash), .micros(token.createdAt), .text(token.createdBy), .micros(token.expiresAt)])
        }
    }

    public func tokens(of user: String) async throws -> [APIToken] {
        try await access.run {
            try await self.query("SELECT * FROM api_tokens WHERE user_name = ? ORDER BY created_at DESC, id", [.text(user)]).map(Self.token)
        }
    }

    public func token(id: String) async throws -> APIToken? {
        try await access.run {
            try await self.query("SELECT * FROM api_tokens WHERE id = ?", [.text(id)]).first.map(Self.token)
        }
    }

    public func token(hash: String) async throws -> (APIToken, User)? {
        try await access.run {
            guard let row = try await self.query("SELECT * FROM api_tokens WHERE token_hash = ?", [.text(hash)]).first else { return nil }
            let token = try Self.token(row)
            guard let user = try await self.query("SELECT * FROM users WHERE name = ?", [.text(token.user)]).first.map(Self.user) else {
                throw WorkflowError.damagedRow(table: "api_tokens", key: "id \(token.id)", column: "user_name")
            }
            return (token, user)
        }
    }

    public func revokeToken(id: String, at: Date, by actor: String) async throws -> Bool {
        try await transaction {
            let rows = try await self.query(
                "UPDATE api_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL RETURNING id",
                [.micros(at), .text(actor), .text(id)])
            return !rows.isEmpty
        }
    }

    private static func token(_ row: SQLiteRow) throws -> APIToken {
        let stored = StoredRow(row, table: "api_tokens", key: "id \(row.column("id")?.string ?? "?")")
        return APIToken(id: try stored.text("id"), user: try stored.text("user_name"), createdAt: try stored.date("created_at"),
                        createdBy: try stored.text("created_by"), expiresAt: try stored.date("expires_at"),
                        revokedAt: try stored.optionalDate("revoked_at"), revokedBy: try stored.optionalText("revoked_by"))
    }
}
