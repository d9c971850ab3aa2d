import Foundation
import Testing

/// `metrics stages` and `demo` through the binary.
@Suite("rsoctl: stage counts and the demo")
struct MetricsAndDemoTests {
    /// Every AVRR state, in definition order.
    static let avrrStates = [
        "registered", "counselling", "awaiting_approval", "approved", "travel_arranged", "returned", "reintegration",
        "monitoring", "closed", "withdrawn", "rejected", "referred", "not_departed", "lost_contact", "on_hold",
    ]

    /// The `stages` array of a `metrics stages` JSON object as (state, count) pairs, in order.
    static func stages(_ report: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) throws -> [(String, Int)] {
        let stages = try #require(report["stages"] as? [[String: Any]], "no stages in \(report)", sourceLocation: sourceLocation)
        return try stages.map { entry in
            let state = try #require(entry["state"] as? String, "\(entry)", sourceLocation: sourceLocation)
            let count = try #require(entry["count"] as? Int, "\(entry)", sourceLocation: sourceLocation)
            return (state, count)
        }
    }

    @Test("metrics stages lists every AVRR state in definition order with its count, zeros included, and asOf null",
          arguments: Backend.allCases)
    func stageCounts(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            // Two registered, two in counselling, one awaiting approval, one on hold, one withdrawn, one closed.
            _ = try await db.openCase()
            _ = try await db.openCase()
            for _ in 0..<2 { try await db.advance(try await db.openCase(), "start_counselling") }
            let waiting = try await db.openCase()
            try await db.advance(waiting, "start_counselling")
            try await db.advance(waiting, "submit", TestDatabase.submitFields)
            let held = try await db.openCase()
            try await db.advance(held, "start_counselling")
            try await db.advance(held, "hold", ["--reason", "medical"])
            try await db.advance(try await db.openCase(), "withdraw", ["--reason", "changed their mind"])
            _ = try await AVRRJourneyTests.takeToClosed(db)

            let report = try await db.json(["metrics", "stages", "avrr", "--actor", "maria", "--format", "json"])
            #expect(report["workflow"] as? String == "avrr")
            #expect(JSON.has(report, "asOf"), "asOf is present: \(report.keys.sorted())")
            #expect(report["asOf"] is NSNull, "asOf is null without --as-of: \(report["asOf"] ?? "absent")")

            let stages = try Self.stages(report)
            #expect(stages.map(\.0) == Self.avrrStates)
            let expected: [String: Int] = [
                "registered": 2, "counselling": 2, "awaiting_approval": 1, "on_hold": 1, "withdrawn": 1, "closed": 1,
            ]
            for (state, count) in stages {
                #expect(count == expected[state, default: 0], "\(state)")
            }
            #expect(stages.map(\.1).reduce(0, +) == 8)
        }
    }

    /// The demo's day in these tests: its current cases are dated from it, so no test depends on today's date.
    static let demoDay = "2026-11-23"
    /// The demo writes 62 cases with their histories, one command each: on PostgreSQL, on two cores busy with every
    /// other test, that took over a minute. Its own deadline is an hour.
    static let demoTimeout: TimeInterval = 300

    @Test("rsoctl demo on a fresh SQLite file loads the pilot's 48 AVRR cases and this week's 14 over the stages, and a second run changes nothing")
    func demoIsIdempotent() async throws {
        try await TestDatabase.with(.sqlite) { db in
            let first = try await db.rsoctl("demo", "--today", Self.demoDay, "--format", "json", timeout: Self.demoTimeout)
            try #require(first.exitCode == 0, "\(first)")
            let firstStages = try Self.stages(try JSON.object(first.stdout))
            #expect(firstStages.map(\.0) == Self.avrrStates)
            #expect(firstStages.map(\.1).reduce(0, +) == 62, "\(firstStages)")
            #expect(firstStages.filter { $0.1 > 0 }.count > 1, "spread over several stages: \(firstStages)")

            let second = try await db.rsoctl("demo", "--today", Self.demoDay, "--format", "json", timeout: Self.demoTimeout)
            try #require(second.exitCode == 0, "\(second)")
            let secondStages = try Self.stages(try JSON.object(second.stdout))
            #expect(secondStages.map(\.0) == firstStages.map(\.0))
            #expect(secondStages.map(\.1) == firstStages.map(\.1))

            // Still 62 cases, not 124.
            let list = try await db.json(["case", "list", "--workflow", "avrr", "--limit", "1000",
                                          "--actor", "maria.manager", "--format", "json"])
            #expect((list["cases"] as? [[String: Any]])?.count == 62)

            // On a later day the current cases are kept as they were loaded, not loaded twice.
            let later = try await db.rsoctl("demo", "--today", "2026-11-25", "--format", "json", timeout: Self.demoTimeout)
            try #require(later.exitCode == 0, "\(later)")
            #expect(later.stderr.contains("loaded on an earlier day"), "\(later.stderr)")
            #expect(try Self.stages(try JSON.object(later.stdout)).map(\.1) == firstStages.map(\.1))
        }
    }

    @Test("the demo's summary prints its heading with its table on stdout: the date, every state and a total row")
    func demoSummary() async throws {
        try await TestDatabase.with(.sqlite) { db in
            let result = try await db.rsoctl("demo", "--today", Self.demoDay, timeout: Self.demoTimeout)
            try #require(result.exitCode == 0, "\(result)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("AVRR cases per stage, as of ") == true, "\(result.stdout)")
            #expect(lines.first?.hasSuffix("(this week's cases dated from \(Self.demoDay)):") == true, "\(result.stdout)")
            #expect(lines.dropFirst().first?.split(separator: " ") == ["state", "count"], "\(result.stdout)")
            #expect(lines.last?.split(separator: " ") == ["total", "62"], "\(result.stdout)")
            #expect(!result.stderr.contains("AVRR cases per stage"), "the heading is not on stderr: \(result.stderr)")
        }
    }

    @Test("after the demo, timers show this week: three cases overdue by days, three due within the week, and nothing of the pilot's left to fire",
          arguments: Backend.allCases)
    func demoThisWeek(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let demo = try await db.rsoctl("demo", "--today", Self.demoDay, timeout: Self.demoTimeout)
            try #require(demo.exitCode == 0, "\(demo)")
            // The demo ran the timers due by its day: the pilot's four cases in monitoring closed a year after it began.
            #expect(demo.stderr.contains("ran the timers due by \(Self.demoDay): 4 transition(s)"), "\(demo.stderr)")

            let noon = "\(Self.demoDay)T12:00:00Z"
            let run = try await db.rsoctl("timers", "run", "--now", noon, "--format", "json")
            try #require(run.exitCode == 0, "\(run)")
            let report = try JSON.object(run.stdout)
            #expect((report["fired"] as? [Any])?.count == 0, "timers run after the demo fires nothing: \(report["fired"] ?? "")")
            let overdue = try #require(report["overdue"] as? [[String: Any]])
            let thisWeek = overdue.filter { ($0["lateBySeconds"] as? Int ?? .max) < 7 * 86_400 }
            #expect(thisWeek.compactMap { $0["lateBy"] as? String }.sorted() == ["2d 12h", "3d 3h", "4d 3h"], "\(thisWeek)")
            #expect(Set(thisWeek.compactMap { $0["state"] as? String }) == ["awaiting_approval", "approved", "travel_arranged"])

            let list = try await db.json(["case", "list", "--workflow", "avrr", "--limit", "1000",
                                          "--actor", "amina.caseworker", "--format", "json"])
            let dues = try #require(list["cases"] as? [[String: Any]]).compactMap { $0["dueAt"] as? String }
            let dueThisWeek = dues.filter { $0 > noon && $0 < "2026-11-30T12:00:00Z" }
            #expect(dueThisWeek.sorted() == ["2026-11-25T09:00:00Z", "2026-11-27T09:00:00Z", "2026-11-28T09:00:00Z"], "\(dues)")
        }
    }

    @Test("rsoctl demo --today refuses a day in the future (64) and one that is no date (64)")
    func demoDayRefused() async throws {
        try await TestDatabase.with(.sqlite) { db in
            let future = try await db.rsoctl("demo", "--today", "2099-01-01", timeout: Self.demoTimeout)
            #expect(future.exitCode == 64, "\(future)")
            #expect(future.stderr.contains("--today 2099-01-01 is in the future"), "\(future.stderr)")
            let notADay = try await db.rsoctl("demo", "--today", "yesterday", timeout: Self.demoTimeout)
            #expect(notADay.exitCode == 64, "\(notADay)")
        }
    }

    @Test("users list needs no actor: it is where a newcomer finds a name to act as", arguments: Backend.allCases)
    func usersListWithoutActor(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let result = try await db.rsoctl("users", "list", "--format", "json")
            try #require(result.exitCode == 0, "\(result)")
            let users = try #require(try JSON.object(result.stdout)["users"] as? [[String: Any]])
            #expect(users.contains { $0["name"] as? String == "maria" }, "\(users)")
            // A name given must still be a user's.
            let stranger = try await db.rsoctl("users", "list", "--actor", "nobody")
            #expect(stranger.exitCode == 66, "\(stranger)")
        }
    }
}
