import Foundation
import Testing
@testable import WorkflowEngine

/// `GenerationalCache`: what the engine remembers of recent cases (`RecentCases`) and of their seals (`SealingMemo`),
/// bounded so that a long-running server does not grow with every case it has seen.
@Suite("Remembering recent cases, within a bound")
struct RecentCasesTests {
    @Test func anEntryInsertedWithinTheLastGenerationIsFoundAndAtMostTwoGenerationsAreHeld() {
        var cache = GenerationalCache<Int, String>(generationSize: 100)
        for key in 1...1_000 { cache.insert("v\(key)", for: key) }
        #expect(cache.count == 200, "two generations of 100")
        // The newest 100 are always there; of the older ones, only the previous generation (801 to 900).
        #expect((901...1_000).allSatisfy { cache.value($0) == "v\($0)" })
        #expect((1...800).allSatisfy { cache.value($0) == nil })
    }

    @Test func anEntryReadOrWrittenAgainIsKeptAsIfNew() {
        var cache = GenerationalCache<Int, String>(generationSize: 3)
        for key in 1...3 { cache.insert("v\(key)", for: key) }
        cache.insert("v4", for: 4)                  // 1, 2, 3 are now the older generation
        #expect(cache.value(1) == "v1")             // read: moved to the newer
        cache.insert("v2 again", for: 2)            // written: moved to the newer, its old value gone
        for key in 5...6 { cache.insert("v\(key)", for: key) }  // the newer fills (4, 1, 2 again): 5 turns it over
        #expect(cache.value(1) == "v1" && cache.value(2) == "v2 again")
        #expect(cache.value(3) == nil, "3 was neither read nor written again")
    }

    @Test func aRemovedEntryIsGoneFromBothGenerations() {
        var cache = GenerationalCache<Int, String>(generationSize: 2)
        for key in 1...3 { cache.insert("v\(key)", for: key) }
        cache.remove(1)
        cache.remove(3)
        #expect(cache.value(1) == nil && cache.value(3) == nil && cache.value(2) == "v2")
    }

    @Test func theEngineFindsARecentCaseByReferenceOrIdUntilItIsForgotten() {
        let recent = RecentCases()
        let at = Date(timeIntervalSince1970: 1_370_000_000)
        let record = CaseRecord(
            id: UUID(), reference: "AVRR-2013-000001", workflow: "avrr", definitionVersion: 1, state: "registered", previousState: nil,
            stateEnteredAt: at, version: 1, fields: [:], parentID: nil, assignee: nil, dueAt: nil, createdBy: "amina", createdAt: at,
            updatedBy: "amina", updatedAt: at)
        recent.remember(record, latestActors: ["submit": "amina"])
        #expect(recent.entry(.reference("AVRR-2013-000001"))?.latestActors == ["submit": "amina"])
        #expect(recent.entry(.id(record.id))?.record == record)
        recent.forget(record.id)
        #expect(recent.entry(.reference("AVRR-2013-000001")) == nil && recent.entry(.id(record.id)) == nil)
    }
}
