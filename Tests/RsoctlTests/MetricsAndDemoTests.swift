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

    @Test("rsoctl demo on a fresh SQLite file loads 48 AVRR cases over the stages, and a second run changes nothing")
    func demoIsIdempotent() async throws {
        try await TestDatabase.with(.sqlite) { db in
            let first = try await db.rsoctl("demo", "--format", "json")
            try #require(first.exitCode == 0, "\(first)")
            let firstStages = try Self.stages(try JSON.object(first.stdout))
            #expect(firstStages.map(\.0) == Self.avrrStates)
            #expect(firstStages.map(\.1).reduce(0, +) == 48, "\(firstStages)")
            #expect(firstStages.filter { $0.1 > 0 }.count > 1, "spread over several stages: \(firstStages)")

            let second = try await db.rsoctl("demo", "--format", "json")
            try #require(second.exitCode == 0, "\(second)")
            let secondStages = try Self.stages(try JSON.object(second.stdout))
            #expect(secondStages.map(\.0) == firstStages.map(\.0))
            #expect(secondStages.map(\.1) == firstStages.map(\.1))

            // Still 48 cases, not 96.
            let list = try await db.json(["case", "list", "--workflow", "avrr", "--limit", "1000",
                                          "--actor", "maria.manager", "--format", "json"])
            #expect((list["cases"] as? [[String: Any]])?.count == 48)
        }
    }
}
