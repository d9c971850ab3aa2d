import Foundation
import Testing

/// `rsoctl timers run` and `case list --overdue`, through the built binary.
@Suite("rsoctl: timers and overdue cases")
struct TimersCommandTests {
    /// A jpa.period opened and started by cora (a coordinator) in November 2024, ending on `endsOn`; returns its reference.
    /// Every date is in the past and fixed, so the test means the same whatever day it runs.
    static func period(_ db: TestDatabase, _ name: String, endsOn: String) async throws -> String {
        let opened = try await db.json(["case", "open", "jpa.period", "--field", "name=\(name)", "--field", "starts_on=2024-12-01",
                                        "--field", "ends_on=\(endsOn)", "--field", "participating_countries=THA,IDN",
                                        "--at", "2024-11-01T09:00:00Z", "--actor", "cora", "--format", "json"])
        let reference = try #require(opened["reference"] as? String)
        try await db.advance(reference, "start", ["--at", "2024-12-01T09:00:00Z"], actor: "cora")
        return reference
    }

    @Test("several timers run processes at once conclude each due period once, as system, at its deadline",
          arguments: Backend.allCases)
    func concurrentRunsFireEachDueCaseOnce(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            try await db.succeed(["users", "add", "cora", "--role", "coordinator", "--actor", "root"])
            var due: [String] = []
            for number in 1...4 { due.append(try await Self.period(db, "JPA \(number)", endsOn: "2025-01-31")) }
            let notYet = try await Self.period(db, "JPA 9", endsOn: "2025-03-31")

            // A clock in the past, between the two deadlines; start all five before waiting for any, so they really overlap.
            let arguments = ["timers", "run", "--now", "2025-02-01T06:00:00Z", "--format", "json"]
            let running = try (0..<5).map { _ in try RsoctlProcess.launch(arguments, databaseURL: db.url, timeout: 120) }
            var fired: [String] = []
            for process in running {
                let result = try await process.result()
                try #require(result.exitCode == 0, "\(result)")
                let output = try JSON.object(result.stdout)
                #expect(output["now"] as? String == "2025-02-01T06:00:00Z")
                let entries = try #require(output["fired"] as? [[String: Any]], "\(output)")
                for entry in entries {
                    #expect(entry["transition"] as? String == "conclude")
                    #expect(entry["from"] as? String == "active" && entry["to"] as? String == "concluded")
                    #expect(entry["at"] as? String == "2025-02-01T00:00:00Z")
                    fired.append(entry["reference"] as? String ?? "?")
                }
            }
            #expect(fired.sorted() == due.sorted(), "each due period fired exactly once across the five runs")

            for reference in due {
                #expect(try await db.show(reference)["state"] as? String == "concluded")
                let concludes = try await db.events(reference).filter { $0["transition"] as? String == "conclude" }
                #expect(concludes.count == 1)
                #expect(concludes.first?["actor"] as? String == "system" && concludes.first?["role"] as? String == "system")
                #expect(concludes.first?["at"] as? String == "2025-02-01T00:00:00Z")
            }
            #expect(try await db.show(notYet)["state"] as? String == "active")

            let again = try await db.json(arguments)
            #expect((again["fired"] as? [Any])?.isEmpty == true, "\(again)")
        }
    }

    @Test("timers run --dry-run lists what would fire and writes nothing; a future --now is refused with 64",
          arguments: Backend.allCases)
    func dryRunWritesNothing(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            try await db.succeed(["users", "add", "cora", "--role", "coordinator", "--actor", "root"])
            let due = try await Self.period(db, "JPA 30", endsOn: "2025-01-31")
            let notYet = try await Self.period(db, "JPA 31", endsOn: "2025-03-31")
            let before = try await db.rawHistory(due)

            let dry = try await db.json(["timers", "run", "--now", "2025-02-01T06:00:00Z", "--dry-run", "--format", "json"])
            #expect(dry["dryRun"] as? Bool == true, "\(dry)")
            let wouldFire = try #require(dry["fired"] as? [[String: Any]], "\(dry)")
            #expect(wouldFire.map { $0["reference"] as? String } == [due])
            #expect(wouldFire.first?["transition"] as? String == "conclude")
            #expect(wouldFire.first?["to"] as? String == "concluded")
            #expect(wouldFire.first?["at"] as? String == "2025-02-01T00:00:00Z")
            #expect(try await db.rawHistory(due) == before, "a dry run writes no event")
            #expect(try await db.show(due)["state"] as? String == "active")
            #expect(try await db.show(notYet)["state"] as? String == "active")
            // The table fits its width (100 columns when piped): "would fire conclude" may wrap within its cell.
            let table = try await db.succeed(["timers", "run", "--now", "2025-02-01T06:00:00Z", "--dry-run"]).stdout
            let row = table.split(separator: "\n").drop { !$0.hasPrefix(due) }.prefix(2).joined(separator: " ")
            #expect(row.contains("would fire") && row.contains("conclude"), "\(table)")

            let tomorrow = ISO8601DateFormatter().string(from: Date().addingTimeInterval(86_400))
            let future = try await db.rsoctl("timers", "run", "--now", tomorrow)
            #expect(future.exitCode == 64, "\(future)")
            #expect(future.stderr.contains("future"), "\(future.stderr)")
            #expect(try await db.rawHistory(due) == before, "a refused run writes nothing")
        }
    }

    @Test("case list --overdue shows how late each case is; timers run --now lists it, hand-computed, and fires nothing",
          arguments: Backend.allCases)
    func overdueCasesShowHowLateTheyAre(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let opened = try await db.json(["case", "open", "avrr", "--field", "full_name=Test Person", "--field", "host_country=THA",
                                            "--field", "category=irregular_migrant", "--at", "2026-10-08T14:30:00Z",
                                            "--actor", "amina", "--format", "json"])
            let late = try #require(opened["reference"] as? String)
            try await db.advance(late, "start_counselling", ["--at", "2026-10-09T14:30:00Z"])
            // awaiting_approval is due 14 days after submission.
            let submitted = try await db.advance(late, "submit", TestDatabase.submitFields + ["--at", "2026-10-10T14:30:00Z"])
            #expect(submitted["dueAt"] as? String == "2026-10-24T14:30:00Z")
            let fresh = try await db.openCase()
            let due = try #require(ISO8601DateFormatter().date(from: "2026-10-24T14:30:00Z"))

            // The dates above are fixed and past: on any later day the case is still overdue, and how late it is is
            // measured against the wall clock read around the command, so the spec holds whenever it runs.
            let before = Date()
            let list = try await db.json(["case", "list", "--overdue", "--actor", "maria", "--format", "json"])
            let after = Date()
            let cases = try #require(list["cases"] as? [[String: Any]])
            #expect(cases.map { $0["reference"] as? String } == [late])
            let listed = try #require(cases.first)
            let seconds = try #require(listed["lateBySeconds"] as? Int, "\(listed)")
            #expect(seconds >= Int(before.timeIntervalSince(due)) - 1 && seconds <= Int(after.timeIntervalSince(due)) + 1)
            #expect(listed["lateBy"] as? String == "\(seconds / 86_400)d \(seconds % 86_400 / 3_600)h")
            #expect(listed["overdue"] as? Bool == true)

            let all = try await db.json(["case", "list", "--actor", "maria", "--format", "json"])
            let notLate = try #require((all["cases"] as? [[String: Any]])?.first { $0["reference"] as? String == fresh })
            #expect(JSON.has(notLate, "lateBy") && notLate["lateBy"] is NSNull, "\(notLate)")

            let table = try await db.succeed(["case", "list", "--overdue", "--actor", "maria"]).stdout
            #expect(table.contains("late by") && table.contains(late), "\(table)")

            // 2026-10-27T18:30Z is 3 days 4 hours after 2026-10-24T14:30Z.
            let run = try await db.json(["timers", "run", "--now", "2026-10-27T18:30:00Z", "--format", "json"])
            #expect((run["fired"] as? [Any])?.isEmpty == true, "\(run)")
            let overdue = try #require(run["overdue"] as? [[String: Any]], "\(run)")
            #expect(overdue.count == 1)
            #expect(overdue.first?["reference"] as? String == late)
            #expect(overdue.first?["state"] as? String == "awaiting_approval")
            #expect(overdue.first?["dueAt"] as? String == "2026-10-24T14:30:00Z")
            #expect(overdue.first?["lateBy"] as? String == "3d 4h")
            #expect(overdue.first?["lateBySeconds"] as? Int == 273_600)
            #expect(overdue.first.map { JSON.has($0, "unmetGuards") && $0["unmetGuards"] is NSNull } == true)
            #expect(try await db.show(late)["version"] as? Int == 3, "a mark-overdue timer writes nothing")

            let bad = try await db.rsoctl("timers", "run", "--now", "soon")
            #expect(bad.exitCode == 64, "\(bad)")
        }
    }
}
