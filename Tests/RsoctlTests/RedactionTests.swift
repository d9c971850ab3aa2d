import Foundation
import Testing

/// Personal and sensitive values are shown only to the roles their workflow names (AVRR: caseworkers and approvers)
/// and to the data-protection officer; everyone else sees the field with the value "[redacted]".
@Suite("rsoctl: personal data by role")
struct RedactionTests {
    static let personal = ["full_name", "date_of_birth", "travel_document_number"]
    static let sensitive = ["category", "vulnerabilities"]

    /// An AVRR case holding personal and sensitive values, and an ordinary one (host_country).
    static func protectedCase(_ db: TestDatabase) async throws -> String {
        try await db.addStandardUsers()
        let shown = try await db.json(["case", "open", "avrr", "--field", "full_name=Nur Rahman", "--field", "host_country=THA",
                                       "--field", "category=irregular_migrant", "--field", "date_of_birth=1990-02-03",
                                       "--field", "travel_document_number=X1234567", "--field", "vulnerabilities=medical",
                                       "--actor", "amina", "--format", "json"])
        return try #require(shown["reference"] as? String)
    }

    static func fields(_ object: [String: Any]) -> [String: Any] { object["fields"] as? [String: Any] ?? [:] }

    @Test("a manager's show, list, history and export print [redacted] for every personal and sensitive field; the ordinary ones stay",
          arguments: Backend.allCases)
    func managerSeesRedacted(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let reference = try await Self.protectedCase(db)
            let shown = Self.fields(try await db.json(["case", "show", reference, "--actor", "maria", "--format", "json"]))
            let listed = try #require((try await db.json(["case", "list", "--workflow", "avrr", "--actor", "maria", "--format", "json"])["cases"]
                as? [[String: Any]])?.first)
            let events = try #require(try await db.json(["case", "history", reference, "--actor", "maria", "--format", "json"])["events"]
                as? [[String: Any]])
            let exported = try #require((try await db.json(["export", "avrr", "--actor", "maria", "--format", "json"])["cases"]
                as? [[String: Any]])?.first)
            for fields in [shown, Self.fields(listed), Self.fields(events[0]), Self.fields(exported)] {
                for name in Self.personal + Self.sensitive {
                    #expect(fields[name] as? String == "[redacted]", "\(name): \(fields)")
                }
                #expect(fields["host_country"] as? String == "THA", "\(fields)")
            }
            let csv = try await db.succeed(["export", "avrr", "--actor", "maria"]).stdout
            #expect(!csv.contains("Nur Rahman") && !csv.contains("X1234567") && !csv.contains("irregular_migrant"), "\(csv)")
            let table = try await db.succeed(["case", "show", reference, "--actor", "maria"]).stdout
            #expect(!table.contains("Nur Rahman") && table.contains("[redacted]"), "\(table)")
        }
    }

    @Test("a caseworker, an approver and the data-protection officer see the values; an admin does not", arguments: Backend.allCases)
    func whoSeesValues(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let reference = try await Self.protectedCase(db)
            for actor in ["amina", "chen", "dora"] {
                let fields = Self.fields(try await db.json(["case", "show", reference, "--actor", actor, "--format", "json"]))
                #expect(fields["full_name"] as? String == "Nur Rahman" && fields["category"] as? String == "irregular_migrant", "\(actor): \(fields)")
            }
            let admin = Self.fields(try await db.json(["case", "show", reference, "--actor", "root", "--format", "json"]))
            #expect(admin["full_name"] as? String == "[redacted]" && admin["category"] as? String == "[redacted]", "\(admin)")
        }
    }

    @Test("filtering on a value one may not see is 69; metrics split by a personal field are 65, by a sensitive one allowed")
    func probingIsRefused() async throws {
        try await TestDatabase.with(.sqlite) { db in
            _ = try await Self.protectedCase(db)
            let probe = try await db.rsoctl(["case", "list", "--workflow", "avrr", "--field", "full_name=Nur Rahman", "--actor", "maria"])
            #expect(probe.exitCode == 69 && probe.stderr.contains("may not filter on full_name"), "\(probe)")
            #expect(!probe.stderr.contains("Nur Rahman"), "\(probe)")
            let found = try await db.json(["case", "list", "--workflow", "avrr", "--field", "full_name=Nur Rahman", "--actor", "amina", "--format", "json"])
            #expect((found["cases"] as? [Any])?.count == 1, "\(found)")
            let byName = try await db.rsoctl(["metrics", "stages", "avrr", "--by", "full_name", "--actor", "maria"])
            #expect(byName.exitCode == 65 && byName.stderr.contains("full_name is personal data and metrics are never split by it"), "\(byName)")
            let byCategory = try await db.json(["metrics", "stages", "avrr", "--by", "category", "--actor", "maria", "--format", "json"])
            let registered = try #require((byCategory["stages"] as? [[String: Any]])?.first)
            #expect((registered["by"] as? [String: Int])?["irregular_migrant"] == 1, "\(byCategory)")
        }
    }
}
