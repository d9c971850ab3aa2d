import Foundation
import Testing

/// Outcome counters at the edge of Int: rsoctl must refuse (65) or report, never crash.
///
/// A crash shows as an undocumented exit code (Foundation's Process reports the signal: 4 for the
/// SIGILL of a Swift runtime trap; a shell shows 132) and a "Swift runtime failure" backtrace on stderr.
@Suite("rsoctl: outcome counters never overflow")
struct OutcomeOverflowTests {
    static let largest = String(Int.max)  // 9223372036854775807

    static func expectNoCrash(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect([0, 64, 65, 66, 67, 68, 69, 70, 71].contains(result.exitCode),
                "not a documented exit code (a signal number means a crash): \(result.arguments.joined(separator: " ")) exited \(result.exitCode)",
                sourceLocation: sourceLocation)
        #expect(!result.stderr.contains("runtime failure"), "\(result.stderr.prefix(300))", sourceLocation: sourceLocation)
    }

    @Test("recording past Int.max on one operation is refused with 65 and writes nothing, not a crash",
          arguments: Backend.allCases)
    func recordPastMaximum(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let period = try await db.activePeriod(named: "JPA 20")
            let op = try await db.operation(in: period, named: "Op Typo")
            let first = try await db.rsoctl(JPAOutcomeTests.recordCommand(op, "arrests", Self.largest))
            Self.expectNoCrash(first)
            #expect([0, 65].contains(first.exitCode), "\(first)")
            guard first.exitCode == 0 else { return }  // a count that large refused outright is fine too
            let second = try await db.rsoctl(JPAOutcomeTests.recordCommand(op, "arrests", "1"))
            Self.expectNoCrash(second)
            #expect(second.exitCode == 65, "\(second)")
            #expect(CaseJSON.outcome(try await db.show(op), "arrests") == Int.max)
        }
    }

    @Test("a counter above 2^31, if record accepts it, is totalled by metrics outcomes on both backends",
          arguments: Backend.allCases)
    func totalAboveInt32(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let period = try await db.activePeriod(named: "JPA 22")
            let op = try await db.operation(in: period, named: "Op Large")
            let large = try await db.rsoctl(JPAOutcomeTests.recordCommand(op, "suspects_identified", "3000000000"))
            Self.expectNoCrash(large)
            #expect([0, 65].contains(large.exitCode), "\(large)")
            guard large.exitCode == 0 else {  // refused as implausible: nothing written
                #expect(CaseJSON.outcome(try await db.show(op), "suspects_identified") == 0)
                return
            }
            try await db.record(op, "suspects_identified", -1, reason: "one counted twice")
            #expect(try await JPAOutcomeTests.totals(db, parent: period)["suspects_identified"] == 2_999_999_999)
            #expect(try await JPAOutcomeTests.totals(db, parent: nil)["suspects_identified"] == 2_999_999_999)
        }
    }

    @Test("metrics outcomes over operations whose totals add past Int.max does not crash", arguments: Backend.allCases)
    func sumPastMaximum(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let period = try await db.activePeriod(named: "JPA 21")
            var accepted = 0
            for name in ["Op One", "Op Two"] {
                let op = try await db.operation(in: period, named: name)
                let result = try await db.rsoctl(JPAOutcomeTests.recordCommand(op, "arrests", Self.largest))
                Self.expectNoCrash(result)
                if result.exitCode == 0 { accepted += 1 }
            }
            guard accepted == 2 else { return }  // nothing to sum past the limit
            let scopes: [[String]] = [["--parent", period], []]
            for parent in scopes {
                let result = try await db.rsoctl(["metrics", "outcomes", "jpa.operation"] + parent + ["--actor", "maria", "--format", "json"])
                Self.expectNoCrash(result)
                #expect([0, 65].contains(result.exitCode), "\(result.exitCode): \(result.stderr.prefix(300))")
            }
        }
    }
}
