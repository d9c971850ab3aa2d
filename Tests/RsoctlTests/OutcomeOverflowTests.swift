import Foundation
import Testing

/// Outcome counts at and past the edge of Int: rsoctl refuses each with 65, naming the accepted range, writes nothing,
/// and never crashes.
///
/// A crash shows as an undocumented exit code (Foundation's Process reports the signal: 4 for the SIGILL of a Swift
/// runtime trap; a shell shows 132) and a "Swift runtime failure" backtrace on stderr.
@Suite("rsoctl: outcome counts never overflow")
struct OutcomeOverflowTests {
    /// Int.max, Int.min, one past each, a count past the per-record limit either way, and one past Int32.
    static let refused = [
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
        "1000001", "-1000001", "3000000000", "+99999999999999999999999999",
    ]

    @Test("a count past ±1,000,000 (up to and past Int's edges) is 65 naming the range, and writes nothing",
          arguments: Backend.allCases)
    func countsPastTheLimitAreRefused(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let period = try await db.activePeriod(named: "JPA 20")
            let op = try await db.operation(in: period, named: "Op Typo")
            let before = try await db.rawHistory(op)
            for count in Self.refused {
                let result = try await db.rsoctl(JPAOutcomeTests.recordCommand(op, "arrests", count, ["--reason", "typo"]))
                #expect(result.exitCode == 65, "COUNT \(count): \(result)")
                #expect(result.stderr.contains("at most 1000000") && result.stderr.contains("at least -1000000"), "\(result.stderr)")
                #expect(!result.stderr.contains("runtime failure"), "\(result.stderr.prefix(300))")
                #expect(result.stdout.isEmpty)
            }
            #expect(try await db.rawHistory(op) == before, "a refused count wrote something")
        }
    }

    @Test("the largest count is recorded, corrected back to zero, and totalled exactly", arguments: Backend.allCases)
    func theLargestCountIsRecordedAndCorrected(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let period = try await db.activePeriod(named: "JPA 21")
            let op = try await db.operation(in: period, named: "Op Large")
            #expect(CaseJSON.outcome(try await db.record(op, "suspects_identified", 1_000_000), "suspects_identified") == 1_000_000)
            #expect(CaseJSON.outcome(try await db.record(op, "suspects_identified", 1_000_000), "suspects_identified") == 2_000_000)
            #expect(try await JPAOutcomeTests.totals(db, parent: period)["suspects_identified"] == 2_000_000)
            try await db.record(op, "suspects_identified", -1_000_000, reason: "entered twice")
            #expect(try await JPAOutcomeTests.totals(db, parent: nil)["suspects_identified"] == 1_000_000)
            let belowZero = try await db.rsoctl(JPAOutcomeTests.recordCommand(op, "suspects_identified", "-1000000", ["--reason", "x"]))
            #expect(belowZero.exitCode == 0, "\(belowZero)")
            let past = try await db.rsoctl(JPAOutcomeTests.recordCommand(op, "suspects_identified", "-1", ["--reason", "x"]))
            #expect(past.exitCode == 65 && past.stderr.contains("below 0"), "\(past)")
        }
    }
}
