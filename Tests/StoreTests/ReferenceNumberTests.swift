import Foundation
import PostgresNIO
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine

/// References past the six-digit padding grow instead of being cut, the same on every path that numbers cases.
@Suite("Reference numbers")
struct ReferenceNumberTests {
    @Test func referencesArePaddedToSixDigitsAndGrowPastThem() {
        #expect(CaseReference.format(prefix: "AVRR", year: 2026, number: 1) == "AVRR-2026-000001")
        #expect(CaseReference.format(prefix: "AVRR", year: 2026, number: 999_999) == "AVRR-2026-999999")
        #expect(CaseReference.format(prefix: "AVRR", year: 2026, number: 1_000_000) == "AVRR-2026-1000000")
        #expect(CaseReference.format(prefix: "JPAOP", year: 2013, number: 123_456_789) == "JPAOP-2013-123456789")
        #expect(ReferenceBlock(prefix: "AVRR", year: 2026, first: 999_999, last: 1_000_001).lastReference == "AVRR-2026-1000001")
    }

    @Test func postgresWritesTheSameReferenceAsSwift() async throws {
        try await Backend.postgres.withFreshStore { (store, _) async throws in
            let postgres = try #require(store as? PostgresStore)
            let numbers = [1, 42, 999_999, 1_000_000, 1_000_001, 123_456_789]
            let expression = CaseReference.sql(prefix: "'AVRR'", year: "2026", number: "n")
            let rows = try await postgres.client.query(
                PostgresQuery(unsafeSQL: "SELECT \(expression) FROM unnest($1::int8[]) WITH ORDINALITY AS t (n, i) ORDER BY i",
                              binds: { var b = PostgresBindings(); b.append(numbers); return b }()),
                logger: postgres.logger).decode(String.self).all()
            #expect(rows == numbers.map { CaseReference.format(prefix: "AVRR", year: 2026, number: $0) })
        }
    }

    @Test("the 999,999th, 1,000,000th and 1,000,001st case of a year get distinct, unpadded references", arguments: Backend.allCases)
    func theMillionthCaseGetsASevenDigitReference(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, raw) async throws in
            // As if 999,998 cases had been opened in 2013 already.
            try await raw.execute("INSERT INTO reference_counters (prefix, year, last_number) VALUES ('AVRR', 2013, 999998)")
            var opened: [CaseRecord] = []
            for _ in 0..<3 { opened.append(try await store.insert(Sample.newCase(year: 2013))) }
            #expect(opened.map(\.reference) == ["AVRR-2013-999999", "AVRR-2013-1000000", "AVRR-2013-1000001"])
            for record in opened { #expect(try await store.findCase(.reference(record.reference))?.id == record.id) }
            #expect(try await store.insert(Sample.newCase(year: 2014)).reference == "AVRR-2014-000001")

            // A bulk import numbers from the same counter, in the same format.
            let batches = Batches([[Sample.newCase(year: 2013).asImported, Sample.newCase(year: 2013).asImported]])
            let blocks = try await store.importCases(
                BulkImportPlan(workflow: "avrr", referencePrefix: "AVRR", casesPerYear: [2013: 2])) { try await batches.next() }
            #expect(blocks.map(\.firstReference) == ["AVRR-2013-1000002"] && blocks.map(\.lastReference) == ["AVRR-2013-1000003"])
            #expect(try await store.findCase(.reference("AVRR-2013-1000003")) != nil)
            #expect(try await store.insert(Sample.newCase(year: 2013)).reference == "AVRR-2013-1000004")
        }
    }
}
