import Foundation
import Testing

/// `rsoctl import` records each import (the file's SHA-256, rows, who, when) with its rows: the same file twice is
/// refused naming the first import, unless `--again`; `--idempotency-key` returns the first result (issue 9).
@Suite("rsoctl: imports are recorded")
struct ImportRecordTests {
    static let file = "full_name,host_country,category,opened_at\nAda Lim,THA,other,2013-06-10\nBo Tan,MYS,refugee,2013-06-11\n"

    static func caseCount(_ db: TestDatabase) async throws -> Int {
        let list = try await db.json(["case", "list", "--limit", "1000", "--actor", "maria", "--format", "json"])
        return try #require(list["cases"] as? [[String: Any]]).count
    }

    @Test("the same file again is 65 naming who imported it, when and how many rows; --again loads it once more",
          arguments: Backend.allCases)
    func theSameFileTwiceIsRefused(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            try await TransferCommandTests.withFile(Self.file) { path in
                let first = try await db.json(["import", "avrr", path, "--actor", "amina", "--format", "json"])
                #expect(first["imported"] as? Int == 2)
                let again = try await db.rsoctl(["import", "avrr", path, "--actor", "budi"])
                BadInputTests.expect(again, exitCode: 65, mentions: ["\(path) was imported before", "by amina at ", "2 rows into avrr",
                                                                     "nothing was imported", "--again"])
                #expect(try await Self.caseCount(db) == 2)
                let forced = try await db.json(["import", "avrr", path, "--again", "--actor", "budi", "--format", "json"])
                #expect(forced["imported"] as? Int == 2)
                let blocks = try #require(forced["references"] as? [[String: Any]])
                #expect(blocks.first?["first"] as? String == "AVRR-2013-000003")
                #expect(try await Self.caseCount(db) == 4)
            }
        }
    }

    @Test("a retry under the same --idempotency-key returns the first result, says it is a replay, and writes nothing",
          arguments: Backend.allCases)
    func anIdempotentRetryReturnsTheFirstResult(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            try await TransferCommandTests.withFile(Self.file) { path in
                let arguments = ["import", "avrr", path, "--idempotency-key", "load-42", "--actor", "amina", "--format", "json"]
                let first = try await db.succeed(arguments)
                let retry = try await db.succeed(arguments)
                #expect(retry.stdout == first.stdout)
                #expect(retry.stderr.contains("a replay"), "\(retry)")
                #expect(try await Self.caseCount(db) == 2)
                // The key names one import: another file under it is refused.
                try await TransferCommandTests.withFile("full_name,host_country,category\nCy Ong,IDN,other\n") { other in
                    BadInputTests.expect(try await db.rsoctl(["import", "avrr", other, "--idempotency-key", "load-42", "--actor", "amina"]),
                                         exitCode: 65, mentions: ["--idempotency-key load-42 was used for another import", path])
                }
                #expect(try await Self.caseCount(db) == 2)
            }
        }
    }
}
