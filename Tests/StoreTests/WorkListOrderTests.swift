import Foundation
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine

/// A work list's order, and overdue counts, as both stores give them.
@Suite("Work lists and overdue counts")
struct WorkListOrderTests {
    /// Cases of one state, created an hour apart, with these due dates (days after t0; nil: none).
    static func insert(_ dues: [Int?], into store: any CaseStore) async throws -> [String] {
        var references: [String] = []
        for (index, due) in dues.enumerated() {
            var new = Sample.newCase(at: Sample.t0.addingTimeInterval(Double(index) * 3600))
            new.record.dueAt = due.map { Sample.t0.addingTimeInterval(Double($0) * 86_400) }
            references.append(try await store.insert(new).reference)
        }
        return references
    }

    @Test(arguments: Backend.allCases)
    func soonestDueFirstThoseWithoutADueDateLastTheOldestFirstAmongEquals(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let refs = try await Self.insert([nil, 5, 2, nil, 5, -3], into: store)
            var query = CaseQuery(workflow: "avrr", state: "registered", limit: 10)
            query.order = .due
            #expect(try await store.listCases(query).map(\.reference) == [refs[5], refs[2], refs[1], refs[4], refs[0], refs[3]])
            query.limit = 2
            #expect(try await store.listCases(query).map(\.reference) == [refs[5], refs[2]])
            // The default stays oldest first.
            #expect(try await store.listCases(CaseQuery(workflow: "avrr", state: "registered", limit: 10)).map(\.reference) == refs)
        }
    }

    @Test(arguments: Backend.allCases)
    func overdueCountsAreCasesWhoseDueDatePassedPerState(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            _ = try await Self.insert([nil, 5, 2, -3, 1], into: store)
            let counts = { (day: Double) in try await store.overdueCounts(workflow: "avrr", at: Sample.t0.addingTimeInterval(day * 86_400)) }
            #expect(try await counts(0).map(\.count) == [1])
            #expect(try await counts(2.5).first?.count == 3)
            #expect(try await counts(100).first == StageCount(state: "registered", value: nil, count: 4))
            #expect(try await store.overdueCounts(workflow: "jpa.period", at: Sample.t0.addingTimeInterval(100 * 86_400)).isEmpty)
        }
    }
}
