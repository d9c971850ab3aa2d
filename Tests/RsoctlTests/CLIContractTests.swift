import Foundation
import Testing
import WorkflowEngine

/// The documented JSON shapes and options of the read commands, on a small history whose every date is fixed in the
/// past, so each figure can be worked out by hand (and means the same whatever day the test runs).
@Suite("rsoctl: the read commands' contract")
struct CLIContractTests {
    /// Three AVRR cases, back-dated to March and April 2024:
    /// - A (host THA, to IDN): registered 03-01 10:00, counselling 03-02 10:00, submitted 03-03 10:00,
    ///   approved 03-05 10:00, travel 03-10 10:00, returned 03-21 10:00;
    /// - B (host MYS, to BGD): registered 03-01 12:00, counselling 03-04 12:00, submitted 03-06 12:00,
    ///   approved 03-08 12:00, travel 04-01 12:00, returned 04-05 12:00;
    /// - C (host THA): registered 03-02 00:00, counselling 03-03 00:00, and still there.
    static func history(_ db: TestDatabase) async throws -> (a: String, b: String, c: String) {
        func open(_ host: String, at: String) async throws -> String {
            let shown = try await db.json(["case", "open", "avrr", "--field", "full_name=Test Person", "--field", "host_country=\(host)",
                                           "--field", "category=irregular_migrant", "--at", at, "--actor", "amina", "--format", "json"])
            return try #require(shown["reference"] as? String)
        }
        func step(_ reference: String, _ transition: String, at: String, actor: String = "amina", _ fields: [String] = []) async throws {
            try await db.advance(reference, transition, fields.flatMap { ["--field", $0] } + ["--at", at], actor: actor)
        }
        let a = try await open("THA", at: "2024-03-01T10:00:00Z")
        let b = try await open("MYS", at: "2024-03-01T12:00:00Z")
        let c = try await open("THA", at: "2024-03-02T00:00:00Z")
        try await step(a, "start_counselling", at: "2024-03-02T10:00:00Z")
        try await step(c, "start_counselling", at: "2024-03-03T00:00:00Z")
        try await step(a, "submit", at: "2024-03-03T10:00:00Z",
                       ["consent_signed_on=2024-03-02", "destination_country=IDN", "travel_document=valid"])
        try await step(b, "start_counselling", at: "2024-03-04T12:00:00Z")
        try await step(a, "approve", at: "2024-03-05T10:00:00Z", actor: "chen")
        try await step(b, "submit", at: "2024-03-06T12:00:00Z",
                       ["consent_signed_on=2024-03-05", "destination_country=BGD", "travel_document=valid"])
        try await step(b, "approve", at: "2024-03-08T12:00:00Z", actor: "chen")
        try await step(a, "arrange_travel", at: "2024-03-10T10:00:00Z", ["departure_date=2024-03-20", "exit_clearance=granted"])
        try await step(a, "confirm_return", at: "2024-03-21T10:00:00Z", ["arrival_date=2024-03-21"])
        try await step(b, "arrange_travel", at: "2024-04-01T12:00:00Z", ["departure_date=2024-04-04", "exit_clearance=granted"])
        try await step(b, "confirm_return", at: "2024-04-05T12:00:00Z", ["arrival_date=2024-04-05"])
        return (a, b, c)
    }

    static func metrics(_ db: TestDatabase, _ arguments: [String]) async throws -> [String: Any] {
        try await db.json(["metrics"] + arguments + ["--actor", "maria", "--format", "json"])
    }

    @Test("metrics stages --as-of --by, flow and durations answer the hand-computed figures in the documented shapes",
          arguments: Backend.allCases)
    func metricsShapes(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            _ = try await Self.history(db)

            // End of 2024-03-05: A approved (that morning), B and C in counselling.
            let stages = try await Self.metrics(db, ["stages", "avrr", "--as-of", "2024-03-05", "--by", "host_country"])
            #expect(stages["workflow"] as? String == "avrr")
            #expect(stages["asOf"] as? String == "2024-03-05")
            let entries = try #require(stages["stages"] as? [[String: Any]])
            #expect(entries.map { $0["state"] as? String } == MetricsAndDemoTests.avrrStates.map { $0 })
            let byState = Dictionary(uniqueKeysWithValues: entries.map { ($0["state"] as? String ?? "?", $0) })
            #expect(byState["approved"]?["count"] as? Int == 1)
            #expect(byState["approved"]?["by"] as? [String: Int] == ["THA": 1])
            #expect(byState["counselling"]?["count"] as? Int == 2)
            #expect(byState["counselling"]?["by"] as? [String: Int] == ["MYS": 1, "THA": 1])
            #expect(entries.compactMap { $0["count"] as? Int }.reduce(0, +) == 3)
            #expect(byState["returned"]?["count"] as? Int == 0)

            let march = try await Self.metrics(db, ["flow", "avrr", "--into", "returned", "--from", "2024-03-01", "--to", "2024-03-31"])
            #expect(march["workflow"] as? String == "avrr" && march["into"] as? String == "returned")
            #expect(march["from"] as? String == "2024-03-01" && march["to"] as? String == "2024-03-31")
            #expect(march["count"] as? Int == 1)
            #expect(march["by"] == nil, "no by without --by: \(march)")
            let spring = try await Self.metrics(db, ["flow", "avrr", "--into", "returned", "--from", "2024-03-01", "--to", "2024-04-30",
                                                     "--by", "destination_country"])
            #expect(spring["count"] as? Int == 2)
            #expect(spring["by"] as? [String: Int] == ["BGD": 1, "IDN": 1])
            // --to includes the whole of its day: B returned at noon on 04-05.
            let lastDay = try await Self.metrics(db, ["flow", "avrr", "--into", "returned", "--from", "2024-04-05", "--to", "2024-04-05"])
            #expect(lastDay["count"] as? Int == 1)

            // Registration to return: A 20 days, B 35 days; percentile_cont: median 27.5, p90 20 + 0.9 × 15 = 33.5.
            let toReturn = try await Self.metrics(db, ["durations", "avrr", "--state", "returned"])
            #expect(toReturn["workflow"] as? String == "avrr" && toReturn["to"] as? String == "returned")
            let returned = try #require((toReturn["durations"] as? [[String: Any]])?.first)
            #expect(returned["state"] as? String == "returned" && returned["count"] as? Int == 2)
            #expect(returned["medianDays"] as? Double == 27.5 && returned["p90Days"] as? Double == 33.5, "\(returned)")

            // Finished stays in registered: 1, 3 and 1 days: median 1, p90 1 + 0.8 × 2 = 2.6.
            let all = try await Self.metrics(db, ["durations", "avrr"])
            let registered = try #require((all["durations"] as? [[String: Any]])?.first { $0["state"] as? String == "registered" })
            #expect(registered["count"] as? Int == 3)
            #expect(registered["medianDays"] as? Double == 1 && registered["p90Days"] as? Double == 2.6, "\(registered)")
        }
    }

    @Test("case list --state and --field select exactly the matching cases, in the case list shape", arguments: Backend.allCases)
    func caseListFilters(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let (a, b, c) = try await Self.history(db)
            func listed(_ filters: [String]) async throws -> [String] {
                let list = try await db.json(["case", "list", "--workflow", "avrr"] + filters + ["--actor", "maria", "--format", "json"])
                let cases = try #require(list["cases"] as? [[String: Any]])
                return cases.compactMap { $0["reference"] as? String }
            }
            #expect(try await listed(["--state", "returned"]).sorted() == [a, b].sorted())
            #expect(try await listed(["--state", "counselling"]) == [c])
            #expect(try await listed(["--field", "host_country=THA"]).sorted() == [a, c].sorted())
            #expect(try await listed(["--field", "host_country=THA", "--state", "returned"]) == [a])
            #expect(try await listed(["--field", "destination_country=BGD"]) == [b])
            #expect(try await listed(["--field", "host_country=LKA"]) == [])
            let shown = try #require((try await db.json(["case", "list", "--state", "counselling", "--workflow", "avrr",
                                                         "--actor", "maria", "--format", "json"])["cases"] as? [[String: Any]])?.first)
            for key in ["id", "reference", "workflow", "state", "version", "fields"] { #expect(JSON.has(shown, key), "\(key)") }

            let unknown = try await db.rsoctl("case", "list", "--workflow", "avrr", "--state", "flying", "--actor", "maria")
            #expect(unknown.exitCode == 65, "\(unknown)")
            #expect(unknown.stderr.contains("flying") && unknown.stderr.contains("counselling"), "\(unknown.stderr)")
        }
    }

    @Test("metrics outcomes --from --to totals only what was recorded within those days", arguments: Backend.allCases)
    func outcomesWithinDays(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            func run(_ arguments: [String]) async throws { try await db.succeed(arguments + ["--actor", "cora"]) }
            let period = try await db.json(["case", "open", "jpa.period", "--field", "name=JPA 2024", "--field", "starts_on=2024-02-01",
                                            "--field", "ends_on=2024-04-30", "--field", "participating_countries=IDN,THA",
                                            "--at", "2024-01-10T09:00:00Z", "--actor", "cora", "--format", "json"])
            let periodRef = try #require(period["reference"] as? String)
            try await run(["case", "advance", periodRef, "start", "--at", "2024-02-01T09:00:00Z"])
            let operation = try await db.json(["case", "open", "jpa.operation", "--field", "name=Op Reef", "--field", "lead_country=IDN",
                                               "--parent", periodRef, "--at", "2024-02-02T09:00:00Z", "--actor", "cora", "--format", "json"])
            let op = try #require(operation["reference"] as? String)
            try await run(["case", "advance", op, "launch", "--at", "2024-02-03T09:00:00Z"])
            try await run(["case", "record", op, "arrests", "4", "--at", "2024-02-10T09:00:00Z"])
            try await run(["case", "record", op, "arrests", "2", "--at", "2024-03-15T09:00:00Z"])
            try await run(["case", "record", op, "arrests", "-1", "--reason", "counted twice", "--at", "2024-03-31T23:59:00Z"])
            try await run(["case", "record", op, "convictions", "1", "--at", "2024-04-01T00:00:00Z"])

            func totals(_ range: [String], by: Bool = false) async throws -> [String: Any] {
                try await Self.metrics(db, ["outcomes", "jpa.operation"] + range + (by ? ["--by", "lead_country"] : []))
            }
            let february = try await totals(["--from", "2024-02-01", "--to", "2024-02-29"])
            #expect(february["workflow"] as? String == "jpa.operation")
            #expect((february["totals"] as? [String: Int])?["arrests"] == 4)
            #expect((february["totals"] as? [String: Int])?["convictions"] == 0)
            let march = try await totals(["--from", "2024-03-01", "--to", "2024-03-31"], by: true)
            #expect((march["totals"] as? [String: Int])?["arrests"] == 1, "the correction on the last minute of March counts")
            #expect((march["totals"] as? [String: Int])?["convictions"] == 0)
            let byLead = try #require(march["by"] as? [String: [String: Int]], "\(march)")
            #expect(byLead["IDN"]?["arrests"] == 1)
            let april = try await totals(["--from", "2024-04-01", "--to", "2024-04-01"])
            #expect((april["totals"] as? [String: Int])?["convictions"] == 1)
            #expect((april["totals"] as? [String: Int])?["arrests"] == 0)
            let everything = try await totals([])
            #expect((everything["totals"] as? [String: Int])?["arrests"] == 5)
        }
    }

    @Test("users list, db status and workflow show print their documented JSON; --database-url works as a flag",
          arguments: Backend.allCases)
    func adminReads(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let users = try await db.json(["users", "list", "--actor", "root", "--format", "json"])
            let listed = try #require(users["users"] as? [[String: Any]], "\(users)")
            #expect(Set(listed.compactMap { $0["name"] as? String }) == ["root", "amina", "budi", "chen", "dual", "maria", "dora"])
            let dual = try #require(listed.first { $0["name"] as? String == "dual" })
            #expect(Set(dual["roles"] as? [String] ?? []) == ["caseworker", "approver"])

            let status = try await db.json(["db", "status", "--format", "json"])
            let migrations = try #require(status["migrations"] as? [[String: Any]], "\(status)")
            #expect(!migrations.isEmpty)
            #expect(migrations.allSatisfy { $0["appliedAt"] is String }, "every migration applied: \(migrations)")
            let versions = migrations.compactMap { $0["version"] as? Int }
            #expect(versions == versions.sorted() && versions.first == 1)

            let shown = try await db.json(["workflow", "show", "avrr", "--format", "json"])
            #expect(shown["id"] as? String == "avrr")
            let states = try #require(shown["states"] as? [[String: Any]], "\(shown.keys.sorted())")
            #expect(states.compactMap { $0["name"] as? String } == MetricsAndDemoTests.avrrStates)
            let transitions = try #require(shown["transitions"] as? [[String: Any]])
            let submit = try #require(transitions.first { $0["name"] as? String == "submit" })
            #expect(submit["to"] as? String == "awaiting_approval")
            #expect((submit["roles"] as? [String]) == ["caseworker"])

            // The flag, not the environment: a process with no RSO_DATABASE_URL reaches the same database.
            let flagged = try await RsoctlProcess.run(["users", "list", "--database-url", db.url, "--actor", "root", "--format", "json"],
                                                      databaseURL: nil)
            #expect(flagged.exitCode == 0, "\(flagged)")
            #expect((try JSON.object(flagged.stdout)["users"] as? [[String: Any]])?.count == 7)
        }
    }

    @Test("docs/cli.md lists every exit code the engine can give")
    func theDocumentedExitCodesAreTheEngines() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/cli.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let codes: [WorkflowError.Code] = [.usage, .invalidData, .notFound, .notAllowed, .guardFailed, .forbidden, .conflict,
                                           .unavailable, .temporary]
        for code in codes {
            #expect(text.contains("| \(code.rawValue) |"), "docs/cli.md does not list exit code \(code.rawValue) (\(code))")
        }
    }
}
