import Foundation
import Testing

/// Every read that shows personal or sensitive values (show, history, list, export) is recorded: who, when, which
/// cases or which export, and why; `rsoctl audit access` lists it to admins and the data-protection officer.
@Suite("rsoctl audit access: who was shown personal data")
struct AccessLogTests {
    static func entries(_ db: TestDatabase, _ arguments: [String] = []) async throws -> [[String: Any]] {
        let listed = try await db.json(["audit", "access"] + arguments + ["--actor", "dora", "--format", "json"])
        return try #require(listed["entries"] as? [[String: Any]], "\(listed)")
    }

    @Test("a caseworker's show, history, list and export are logged with their purpose; a manager's redacted reads are not",
          arguments: Backend.allCases)
    func readsAreLogged(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let reference = try await RedactionTests.protectedCase(db)
            try await db.succeed(["case", "show", reference, "--actor", "maria"])
            #expect(try await Self.entries(db).isEmpty, "a redacted read showed nothing to log")

            try await db.succeed(["case", "show", reference, "--purpose", "return travel booking", "--actor", "amina"])
            try await db.succeed(["case", "history", reference, "--actor", "chen"])
            try await db.succeed(["case", "list", "--workflow", "avrr", "--field", "full_name=Nur Rahman", "--actor", "amina"])
            try await db.succeed(["export", "avrr", "--purpose", "monthly return to donors", "--actor", "amina"])

            let all = try await Self.entries(db)
            #expect(all.map { $0["action"] as? String } == ["show", "history", "list", "export"], "\(all)")
            #expect(all.map { $0["user"] as? String } == ["amina", "chen", "amina", "amina"], "\(all)")
            #expect(all[0]["cases"] as? [String] == [reference] && all[0]["purpose"] as? String == "return travel booking", "\(all[0])")
            #expect(all[1]["purpose"] is NSNull && all[1]["workflow"] as? String == "avrr", "\(all[1])")
            #expect(all[2]["query"] as? String == "list --workflow avrr --field full_name=…", "the filter's value is not logged: \(all[2])")
            #expect(all[3]["cases"] as? [String] == [] && all[3]["query"] as? String == "export avrr", "\(all[3])")
            let printed = try await db.succeed(["audit", "access", "--actor", "dora", "--format", "json"]).stdout
            #expect(!printed.contains("Nur Rahman"), "\(printed)")

            #expect(try await Self.entries(db, ["--case", reference]).count == 3)
            #expect(try await Self.entries(db, ["--user", "chen"]).count == 1)
            #expect(try await Self.entries(db, ["--from", "2000-01-01", "--to", "2000-12-31"]).isEmpty)
        }
    }

    @Test("only admins and data_protection read the log (69); an empty or multi-line purpose is 65 and nothing is shown")
    func refusals() async throws {
        try await TestDatabase.with(.sqlite) { db in
            let reference = try await RedactionTests.protectedCase(db)
            let refused = try await db.rsoctl(["audit", "access", "--actor", "amina"])
            #expect(refused.exitCode == 69 && refused.stderr.contains("only an admin or data_protection may"), "\(refused)")
            try await db.succeed(["audit", "access", "--actor", "root"])
            for purpose in ["", "   ", "two\nlines"] {
                let shown = try await db.rsoctl(["case", "show", reference, "--purpose", purpose, "--actor", "amina"])
                #expect(shown.exitCode == 65 && shown.stdout.isEmpty && shown.stderr.contains("--purpose"), "\(shown)")
            }
            #expect(try await Self.entries(db).isEmpty)
        }
    }

    @Test("the log is append-only: psql and the sqlite3 shell cannot change or delete an entry", arguments: Backend.allCases)
    func appendOnly(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let reference = try await RedactionTests.protectedCase(db)
            try await db.succeed(["case", "show", reference, "--actor", "amina"])
            for sql in ["UPDATE access_log SET actor = 'mallory'", "DELETE FROM access_log"] {
                let result: ProcessResult
                switch backend {
                case .sqlite:
                    result = try await RsoctlProcess.tool(HistoryProtectionTests.sqlite3, ["-bail", String(db.url.dropFirst("sqlite:".count)), sql], timeout: 30)
                case .postgres:
                    result = try await RsoctlProcess.tool(TestDatabase.psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", db.url, "-c", sql], timeout: 30)
                }
                #expect(result.exitCode != 0 && result.stderr.contains("access_log is append-only"), "\(sql): \(result)")
            }
            #expect(try await Self.entries(db).map { $0["user"] as? String } == ["amina"])
        }
    }
}
