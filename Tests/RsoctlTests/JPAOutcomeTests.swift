import Foundation
import Testing

/// jpa.operation outcome counters through the binary: `case record`, its refusals, and `metrics outcomes`.
@Suite("rsoctl: JPA operation outcomes")
struct JPAOutcomeTests {
    static func recordCommand(_ reference: String, _ outcome: String, _ count: String, _ extra: [String] = []) -> [String] {
        ["case", "record", reference, outcome, count] + extra + ["--actor", "cora", "--format", "json"]
    }

    /// `metrics outcomes jpa.operation [--parent REF] --format json`: the totals, after checking the shape.
    static func totals(_ db: TestDatabase, parent: String?, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Int] {
        let report = try await db.json(["metrics", "outcomes", "jpa.operation"] + (parent.map { ["--parent", $0] } ?? [])
                                       + ["--actor", "maria", "--format", "json"], sourceLocation: sourceLocation)
        #expect(report["workflow"] as? String == "jpa.operation", sourceLocation: sourceLocation)
        let totals = try #require(report["totals"] as? [String: Any], "no totals in \(report)", sourceLocation: sourceLocation)
        return try totals.mapValues { try #require($0 as? Int, "\(totals)", sourceLocation: sourceLocation) }
    }

    @Test("recording in planned is 67 and writes nothing; unknown outcome, correction without reason, below zero are 65",
          arguments: Backend.allCases)
    func recordRefusals(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let period = try await db.openReference("jpa.period", ["name": "JPA 8"])
            let op = try await db.operation(in: period, named: "Op Planned", launch: false)
            try await RefusalTests.expectRefusal(db, of: op, Self.recordCommand(op, "arrests", "4"),
                                                 exitCode: 67, mentions: ["planned", "active"])
            #expect(CaseJSON.outcome(try await db.show(op), "arrests") == 0)

            try await db.step(period, "start", JPA.startFields)
            try await db.step(op, "launch")
            #expect(CaseJSON.outcome(try await db.record(op, "arrests", 4), "arrests") == 4)
            try await RefusalTests.expectRefusal(db, of: op, Self.recordCommand(op, "shoes", "4"),
                                                 exitCode: 65, mentions: ["shoes", "arrests", "convictions"])
            try await RefusalTests.expectRefusal(db, of: op, Self.recordCommand(op, "arrests", "-1"),
                                                 exitCode: 65, mentions: ["--reason"])
            try await RefusalTests.expectRefusal(db, of: op, Self.recordCommand(op, "arrests", "-5", ["--reason", "typo"]),
                                                 exitCode: 65, mentions: ["arrests", "below 0"])
            try await RefusalTests.expectRefusal(db, of: op, Self.recordCommand(op, "convictions", "-1", ["--reason", "typo"]),
                                                 exitCode: 65, mentions: ["convictions"])

            // A valid correction applies and is kept in the history with its reason.
            let corrected = try await db.record(op, "arrests", -1, reason: "double count")
            #expect(CaseJSON.outcome(corrected, "arrests") == 3)
            #expect(corrected["state"] as? String == "active")
            let last = try #require(try await db.events(op).last)
            #expect(last["kind"] as? String == "outcome")
            #expect(last["reason"] as? String == "double count")
            #expect(last["actor"] as? String == "cora")
            // Down to exactly 0 is allowed.
            #expect(CaseJSON.outcome(try await db.record(op, "arrests", -3, reason: "not ours"), "arrests") == 0)

            // Nothing in cancelled either.
            let dropped = try await db.operation(in: period, named: "Op Dropped", launch: false)
            try await db.step(dropped, "cancel", reason: "no partner")
            try await RefusalTests.expectRefusal(db, of: dropped, Self.recordCommand(dropped, "arrests", "1"),
                                                 exitCode: 67, mentions: ["cancelled"])
        }
    }

    @Test("refer_for_prosecution is 68 (arrests > 0) until arrests are recorded; convictions are recorded once concluded",
          arguments: Backend.allCases)
    func prosecutionAndConvictions(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let period = try await db.activePeriod(named: "JPA 9")
            let op = try await db.operation(in: period, named: "Op Harbour")
            let refer = ["case", "advance", op, "refer_for_prosecution", "--actor", "cora", "--format", "json"]
            try await RefusalTests.expectRefusal(db, of: op, refer, exitCode: 68, mentions: ["arrests > 0"])
            // Suspects are not arrests; arrests corrected back to 0 do not count either.
            try await db.record(op, "suspects_identified", 6)
            try await db.record(op, "arrests", 1)
            try await db.record(op, "arrests", -1, reason: "released, not arrested")
            try await RefusalTests.expectRefusal(db, of: op, refer, exitCode: 68, mentions: ["arrests > 0"])

            try await db.record(op, "arrests", 2)
            let judicial = try await db.step(op, "refer_for_prosecution")
            #expect(judicial["state"] as? String == "judicial")
            try await db.record(op, "prosecutions", 2)
            try await db.step(op, "conclude")
            let convicted = try await db.record(op, "convictions", 1)
            #expect(convicted["state"] as? String == "concluded")
            for (name, count) in ["suspects_identified": 6, "arrests": 2, "prosecutions": 2, "convictions": 1] {
                #expect(CaseJSON.outcome(convicted, name) == count, "\(name)")
            }
            #expect(CaseJSON.transitions(try await db.events(op)) == [
                "launch: planned → active", "refer_for_prosecution: active → judicial", "conclude: judicial → concluded",
            ])
        }
    }

    @Test("metrics outcomes --parent sums that period's operations, corrections included; case list --parent lists them",
          arguments: Backend.allCases)
    func totalsPerPeriod(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let period = try await db.activePeriod(named: "JPA 10")
            let other = try await db.activePeriod(named: "JPA 11")
            let reef = try await db.operation(in: period, named: "Op Reef", lead: "THA")
            let tide = try await db.operation(in: period, named: "Op Tide", lead: "IDN")
            let idle = try await db.operation(in: period, named: "Op Idle", launch: false)
            let elsewhere = try await db.operation(in: other, named: "Op Elsewhere", lead: "MYS")

            // Reef: arrests 4 - 1 = 3, suspects 10, victims 2 - 2 = 0.
            try await db.record(reef, "arrests", 4)
            try await db.record(reef, "suspects_identified", 10)
            try await db.record(reef, "arrests", -1, reason: "double count")
            try await db.record(reef, "victims_identified", 2)
            try await db.record(reef, "victims_identified", -2, reason: "recorded on the wrong operation")
            // Tide: arrests 2, suspects 5 + 1 = 6, networks 1; prosecutions 2 and convictions 1 after concluding.
            try await db.record(tide, "arrests", 2)
            try await db.record(tide, "suspects_identified", 5)
            try await db.record(tide, "networks_disrupted", 1)
            try await db.record(tide, "suspects_identified", 1)
            try await db.step(tide, "refer_for_prosecution")
            try await db.record(tide, "prosecutions", 2)
            try await db.step(tide, "conclude")
            try await db.record(tide, "convictions", 1)
            // Another period's operation: must not count.
            try await db.record(elsewhere, "arrests", 100)
            try await db.record(elsewhere, "convictions", 7)

            let expected = ["suspects_identified": 16, "arrests": 5, "investigations_launched": 0, "prosecutions": 2,
                            "convictions": 1, "victims_identified": 0, "networks_disrupted": 1]
            #expect(try await Self.totals(db, parent: period) == expected)
            // The same as summing the operations' own counters.
            var summed: [String: Int] = [:]
            for op in [reef, tide, idle] {
                let shown = try await db.show(op)
                for name in JPA.outcomes { summed[name, default: 0] += CaseJSON.outcome(shown, name) ?? 0 }
            }
            #expect(summed == expected)

            var otherExpected = Dictionary(uniqueKeysWithValues: JPA.outcomes.map { ($0, 0) })
            otherExpected["arrests"] = 100
            otherExpected["convictions"] = 7
            #expect(try await Self.totals(db, parent: other) == otherExpected)
            // With no --parent, everything.
            let all = try await Self.totals(db, parent: nil)
            #expect(all == expected.merging(otherExpected, uniquingKeysWith: +))

            #expect(Set(try await db.childReferences(of: period)) == [reef, tide, idle])
            #expect(try await db.childReferences(of: period).count == 3)
            #expect(try await db.childReferences(of: other) == [elsewhere])
        }
    }

    @Test("a period with no operations yet has every outcome at 0", arguments: Backend.allCases)
    func emptyPeriod(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let period = try await db.activePeriod(named: "JPA 12")
            #expect(try await Self.totals(db, parent: period) == Dictionary(uniqueKeysWithValues: JPA.outcomes.map { ($0, 0) }))
            #expect(try await db.childReferences(of: period).isEmpty)
        }
    }
}
