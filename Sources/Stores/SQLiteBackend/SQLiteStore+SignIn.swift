import Foundation
import SQLiteNIO
import WorkflowEngine

/// Passwords (`user_passwords`, bcrypt hashes) and web sessions (`web_sessions`, SHA-256 of each cookie).
extension SQLiteStore {
    public func setPassword(hash: String, for user: String, at: Date, by actor: String) async throws {
        try await transaction {
            _ = try await self.query(
                """
                INSERT INTO user_passwords (user_name, password_hash, set_at, set_by) VALUES (?, ?, ?, ?)
                ON CONFLICT (user_name) DO UPDATE SET password_hash = excluded.password_hash, set_at = excluded.set_at,
                    set_by = excluded.set_by, failures = 0, locked_until = NULL
                """, [.text(user), .text(hash), .micros(at), .text(actor)])
        }
    }

    public func signInState(of user: String) async throws -> SignInState? {
        try await access.run {
            try await self.query("SELECT * FROM user_passwords WHERE user_name = ?", [.text(user)]).first.map { row in
                let stored = StoredRow(row, table: "user_passwords", key: "user_name \(user)")
                return SignInState(passwordHash: try stored.text("password_hash"), failures: try stored.integer("failures"),
                                   lockedUntil: try stored.optionalDate("locked_until"))
            }
        }
    }

    public func recordFailedSignIn(of user: String, limit: Int, lockUntil: Date) async throws {
        try await transaction {
            _ = try await self.query(
                """
                UPDATE user_passwords SET failures = failures + 1,
                    locked_until = CASE WHEN failures + 1 >= ? THEN ? ELSE locked_until END
                WHERE user_name = ?
                """, [.integer(limit), .micros(lockUntil), .text(user)])
        }
    }

    public func startSession(_ session: WebSession, hash: String) async throws {
        try await transaction {
            _ = try await self.query("UPDATE user_passwords SET failures = 0, locked_until = NULL WHERE user_name = ?", [.text(session.user)])
            _ = try await self.query(
                "INSERT INTO web_sessions (session_hash, user_name, csrf, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
                [.text(hash), .text(session.user), .text(session.csrf), .micros(session.createdAt), .micros(session.lastSeenAt)])
        }
    }

    public func session(hash: String) async throws -> (WebSession, User)? {
        try await access.run {
            guard let row = try await self.query("SELECT * FROM web_sessions WHERE session_hash = ?", [.text(hash)]).first else { return nil }
            let stored = StoredRow(row, table: "web_sessions", key: "a session of \(row.column("user_name")?.string ?? "?")")
            let session = WebSession(
                user: try stored.text("user_name"), csrf: try stored.text("csrf"), createdAt: try stored.date("created_at"),
                lastSeenAt: try stored.date("last_seen_at"), endedAt: try stored.optionalDate("ended_at"))
            guard let user = try await self.query("SELECT * FROM users WHERE name = ?", [.text(session.user)]).first.map(Self.user) else {
                throw stored.damaged("user_name")
            }
            return (session, user)
        }
    }

    public func touchSession(hash: String, at: Date) async throws {
        try await transaction {
            _ = try await self.query(
                "UPDATE web_sessions SET last_seen_at = ? WHERE session_hash = ? AND ended_at IS NULL", [.micros(at), .text(hash)])
        }
    }

    public func endSession(hash: String, at: Date) async throws -> Bool {
        try await transaction {
            !(try await self.query(
                "UPDATE web_sessions SET ended_at = ? WHERE session_hash = ? AND ended_at IS NULL RETURNING 1",
                [.micros(at), .text(hash)])).isEmpty
        }
    }
}
