import Foundation
import PostgresNIO
import WorkflowEngine

/// Passwords (`user_passwords`, bcrypt hashes) and web sessions (`web_sessions`, SHA-256 of each cookie).
extension PostgresStore {
    public func setPassword(hash: String, for user: String, at: Date, by actor: String) async throws {
        _ = try await run { connection in
            try await connection.query(
                """
                INSERT INTO user_passwords (user_name, password_hash, set_at, set_by) VALUES (\(user), \(hash), \(at), \(actor))
                ON CONFLICT (user_name) DO UPDATE SET password_hash = excluded.password_hash, set_at = excluded.set_at,
                    set_by = excluded.set_by, failures = 0, locked_until = NULL
                """, logger: logger)
        }
    }

    public func signInState(of user: String) async throws -> SignInState? {
        try await run { connection in
            try await connection.query(
                "SELECT password_hash, failures, locked_until FROM user_passwords WHERE user_name = \(user)", logger: logger)
                .decode((String, Int, PostgresInstant?).self).all().first
                .map { SignInState(passwordHash: $0, failures: $1, lockedUntil: $2?.date) }
        }
    }

    public func recordFailedSignIn(of user: String, limit: Int, lockUntil: Date) async throws {
        _ = try await run { connection in
            try await connection.query(
                """
                UPDATE user_passwords SET failures = failures + 1,
                    locked_until = CASE WHEN failures + 1 >= \(limit) THEN \(lockUntil) ELSE locked_until END
                WHERE user_name = \(user)
                """, logger: logger)
        }
    }

    public func startSession(_ session: WebSession, hash: String) async throws {
        _ = try await run { connection in
            try await connection.query(
                """
                WITH cleared AS (
                    UPDATE user_passwords SET failures = 0, locked_until = NULL WHERE user_name = \(session.user) RETURNING 1)
                INSERT INTO web_sessions (session_hash, user_name, csrf, created_at, last_seen_at)
                VALUES (\(hash), \(session.user), \(session.csrf), \(session.createdAt), \(session.lastSeenAt))
                """, logger: logger)
        }
    }

    public func session(hash: String) async throws -> (WebSession, User)? {
        try await run { connection in
            let rows = try await connection.query(
                """
                SELECT s.user_name, s.csrf, s.created_at, s.last_seen_at, s.ended_at, u.roles, u.created_at, u.created_by, u.disabled_at
                FROM web_sessions s JOIN users u ON u.name = s.user_name WHERE s.session_hash = \(hash)
                """, logger: logger)
                .decode((String, String, PostgresInstant, PostgresInstant, PostgresInstant?, [String], PostgresInstant, String?, PostgresInstant?).self)
                .all()
            guard let row = rows.first else { return nil }
            let session = WebSession(user: row.0, csrf: row.1, createdAt: row.2.date, lastSeenAt: row.3.date, endedAt: row.4?.date)
            return (session, try Self.user(name: row.0, roles: row.5, createdAt: row.6.date, createdBy: row.7, disabledAt: row.8?.date))
        }
    }

    public func touchSession(hash: String, at: Date) async throws {
        _ = try await run { connection in
            try await connection.query(
                "UPDATE web_sessions SET last_seen_at = \(at) WHERE session_hash = \(hash) AND ended_at IS NULL", logger: logger)
        }
    }

    public func endSession(hash: String, at: Date) async throws -> Bool {
        try await run { connection in
            !(try await connection.query(
                "UPDATE web_sessions SET ended_at = \(at) WHERE session_hash = \(hash) AND ended_at IS NULL RETURNING 1",
                logger: logger).collect()).isEmpty
        }
    }
}
