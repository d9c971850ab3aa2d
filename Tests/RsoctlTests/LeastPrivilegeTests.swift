import Foundation
import Testing

/// The engine runs as an application role that owns nothing: `rsoctl db migrate --grant-to ROLE`, run as the schema's
/// owner, grants it what every command needs, and it can neither rewrite the history nor alter a table.
@Suite("PostgreSQL: an application role that owns nothing")
struct LeastPrivilegeTests {
    /// A fresh database migrated by its owner, and a LOGIN role (no superuser) granted by `--grant-to`; the role is
    /// dropped afterwards (roles belong to the whole cluster).
    static func withApplicationRole(_ body: (TestDatabase, _ role: String, _ roleURL: String) async throws -> Void) async throws {
        try await TestDatabase.with(.postgres) { db in
            let role = "rso_app_\(UUID().uuidString.prefix(8).lowercased())"
            try await TestDatabase.psqlCommand(db.url, "CREATE ROLE \(role) LOGIN")
            do {
                let granted = try await db.rsoctl("db", "migrate", "--grant-to", role)
                try #require(granted.exitCode == 0, "\(granted)")
                #expect(granted.stderr.contains("granted \(role) ") && granted.stderr.contains("case_events: SELECT, INSERT"), "\(granted)")
                var components = try #require(URLComponents(string: db.url))
                components.user = role
                try await body(db, role, try #require(components.string))
            } catch {
                try? await TestDatabase.psqlCommand(db.url, "DROP OWNED BY \(role); DROP ROLE \(role)")
                throw error
            }
            try await TestDatabase.psqlCommand(db.url, "DROP OWNED BY \(role); DROP ROLE \(role)")
        }
    }

    @Test("every kind of command works as the application role: users, tokens, open, advance, update, import, export, metrics, timers")
    func commandsWorkAsTheApplicationRole() async throws {
        try await Self.withApplicationRole { _, _, roleURL in
            let app = TestDatabase(backend: .postgres, url: roleURL)
            try await app.addStandardUsers()
            let reference = try await app.openCase()
            try await app.advance(reference, "start_counselling")
            try await app.succeed(["case", "update", reference, "--field", "host_country=MYS", "--actor", "amina"])
            try await app.succeed(["case", "history", reference, "--actor", "amina"])
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("rso-grant-\(UUID().uuidString).csv").path
            try Data("full_name,host_country,category\nA Person,THA,other\n".utf8).write(to: URL(fileURLWithPath: file))
            defer { try? FileManager.default.removeItem(atPath: file) }
            try await app.succeed(["import", "avrr", file, "--actor", "amina"])
            try await app.succeed(["export", "avrr", "--actor", "maria"])
            for metric in [["stages"], ["stages", "--as-of", "2026-01-01"], ["flow", "--into", "counselling", "--from", "2025-01-01", "--to", "2030-01-01"],
                           ["durations"]] {
                try await app.succeed(["metrics"] + metric + ["avrr", "--actor", "maria"])
            }
            try await app.succeed(["timers", "run", "--actor", "root"])
            try await app.succeed(["users", "disable", "budi", "--reason", "left", "--actor", "root"])
            try await app.succeed(["users", "enable", "budi", "--reason", "back", "--actor", "root"])
            try await app.succeed(["users", "roles", "budi", "--add", "manager", "--reason", "promoted", "--actor", "root"])
            try await app.succeed(["users", "show", "budi", "--actor", "root"])
            let token = try await app.json(["users", "token", "budi", "--actor", "root", "--format", "json"])
            try await app.succeed(["users", "tokens", "budi", "--actor", "budi"])
            try await app.succeed(["users", "revoke", try #require(token["id"] as? String), "--actor", "budi"])
            try await app.succeed(["db", "status"])
        }
    }

    @Test("as the application role, UPDATE, DELETE and TRUNCATE of the history, disabling its triggers, and DDL all fail")
    func theApplicationRoleCannotRewriteTheHistory() async throws {
        try await Self.withApplicationRole { db, _, roleURL in
            try await db.addStandardUsers()
            let reference = try await db.openCase()
            let before = try await db.rawHistory(reference)
            let refused: [(String, String)] = [
                ("UPDATE case_events SET actor = 'mallory'", "permission denied for table case_events"),
                ("DELETE FROM case_events", "permission denied for table case_events"),
                ("TRUNCATE case_events", "permission denied for table case_events"),
                ("ALTER TABLE case_events DISABLE TRIGGER ALL", "must be owner of table case_events"),
                ("ALTER TABLE case_events DISABLE TRIGGER case_events_append_only", "must be owner of table case_events"),
                ("DROP TABLE case_events", "must be owner of table case_events"),
                ("UPDATE rso_schema_migrations SET name = 'x'", "permission denied for table rso_schema_migrations"),
                ("CREATE TABLE mallory (x int)", "permission denied for schema public"),
                ("DELETE FROM cases", "permission denied for table cases"),
                ("UPDATE user_changes SET reason = 'x'", "permission denied for table user_changes"),
                ("DELETE FROM user_changes", "permission denied for table user_changes"),
            ]
            for (sql, reason) in refused {
                let result = try await RsoctlProcess.tool(TestDatabase.psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", roleURL, "-c", sql], timeout: 30)
                #expect(result.exitCode != 0 && result.stderr.contains(reason), "\(sql): \(result)")
            }
            #expect(try await db.rawHistory(reference) == before)
        }
    }

    @Test("--grant-to refuses an unknown role (66), the owner itself or a bad name (64), and an SQLite file (64)")
    func grantRefusals() async throws {
        try await TestDatabase.with(.postgres) { db in
            let unknown = try await db.rsoctl("db", "migrate", "--grant-to", "rso_nobody_here")
            #expect(unknown.exitCode == 66 && unknown.stderr.contains("role rso_nobody_here does not exist"), "\(unknown)")
            let owner = try await db.rsoctl("db", "migrate", "--grant-to", "postgres")
            #expect(owner.exitCode == 64 && owner.stderr.contains("is the role running the migration"), "\(owner)")
            let bad = try await db.rsoctl("db", "migrate", "--grant-to", "x; DROP TABLE cases")
            #expect(bad.exitCode == 64 && bad.stderr.contains("needs a role name"), "\(bad)")
        }
        try await TestDatabase.with(.sqlite) { db in
            let sqlite = try await db.rsoctl("db", "migrate", "--grant-to", "rso_app")
            #expect(sqlite.exitCode == 64 && sqlite.stderr.contains("applies to PostgreSQL"), "\(sqlite)")
        }
    }
}
