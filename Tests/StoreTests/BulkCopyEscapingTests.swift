import Foundation
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine

/// A bulk import (COPY on PostgreSQL) stores every accepted value exactly: COPY's own escapes never leak into data.
@Suite("Bulk import stores tabs, newlines, backslashes and non-ASCII exactly")
struct BulkCopyEscapingTests {
    /// Values a `text` field accepts that mean something to COPY's text format.
    static let awkward: [String] = [
        "tab\there", "line\nbreak", "windows\r\nline", "lone\rreturn", #"back\slash"#, #"\N"#, #"\\N"#, "a\n\\.\nb", #"\."#,
        #"trailing\"#, #"\t is not a tab"#, "Nguyễn Thị Minh Khai — 阮氏明開 😀", "quote \" and 'single'", "\u{7F}del", "",
        "\t\n\r\\",
    ]

    @Test func copyTextEscapesBackslashTabNewlineAndCarriageReturn() {
        var copy = CopyText(capacity: 64)
        copy.row { $0.text("a\tb\nc\rd\\e"); $0.text(nil); $0.text("é") }
        #expect(copy.written == "a\\tb\\nc\\rd\\\\e\t\\N\té\n")
    }

    @Test("imported values read back exactly, from the case, its history, its claim and the export", arguments: Backend.allCases)
    func awkwardValuesSurviveTheImport(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let cases = Self.awkward.enumerated().map { index, text in
                var new = Sample.newCase(fields: ["host_country": .string("THA"), "notes": .string(text),
                                                  "aliases": .array([.string(text), .string("x")])])
                new.claims = [UniqueClaim(workflow: "avrr", field: "file_number", value: .string("F\(index) \(text)"))]
                return new.asImported
            }
            let batches = Batches([Array(cases.prefix(5)), Array(cases.dropFirst(5))])
            let blocks = try await store.importCases(
                BulkImportPlan(workflow: "avrr", referencePrefix: "AVRR", casesPerYear: [2013: cases.count])) { try await batches.next() }
            #expect(blocks.map(\.lastReference) == ["AVRR-2013-\(String(format: "%06d", cases.count))"])

            for new in cases {
                let stored = try #require(try await store.findCase(.id(new.record.id)))
                #expect(stored.fields == new.record.fields)
                #expect(try await store.history(of: new.record.id).map(\.fields) == [new.event.fields])
                #expect(try await store.holder(of: new.claims[0])?.id == new.record.id)
            }
            let exported = Collected()
            try await store.exportCases(workflow: "avrr", asOf: nil) { await exported.add($0) }
            let byID = Dictionary(uniqueKeysWithValues: await exported.cases.map { ($0.id, $0.fields) })
            #expect(cases.allSatisfy { byID[$0.record.id] == $0.record.fields })
        }
    }
}
