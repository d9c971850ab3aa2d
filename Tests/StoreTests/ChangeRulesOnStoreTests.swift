import AVRR
import Foundation
import JointPeriodOfAction
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine

/// Concurrent updates, replayed keyed requests and names never reused, end to end on each real store.
@Suite("Change rules on a real store")
struct ChangeRulesOnStoreTests {
    /// Different fields, one case each round: two engines (two processes), several tasks each.
    static let fields: [(String, JSONValue)] = [
        ("household_ref", .string("HH-17")), ("nationality", .string("MMR")), ("sex", .string("female")),
        ("date_of_birth", .string("1990-01-31")), ("travel_document_number", .string("P1234567")),
    ]

    static func code(_ attempt: () async throws -> Void) async -> WorkflowError.Code? {
        await RememberedCasesTests.code(attempt)
    }

    @Test(arguments: Backend.allCases)
    func concurrentUpdatesOfDifferentFieldsWithoutAnExpectedVersionAllLand(_ backend: Backend) async throws {
        try await RememberedCasesTests.withTwoEngines(backend) { here, there in
            for round in 1...4 {
                let opened = try await here.open("avrr", fields: RememberedCasesTests.opening, as: "amina")
                let id = CaseLocator.id(opened.id)
                let results = await withTaskGroup(of: WorkflowError.Code?.self) { group in
                    for (index, (name, value)) in Self.fields.enumerated() {
                        let engine = index.isMultiple(of: 2) ? here : there
                        group.addTask {
                            await Self.code { _ = try await engine.update(id, fields: [name: value], reason: "round \(round)", as: "amina") }
                        }
                    }
                    return await group.reduce(into: [WorkflowError.Code?]()) { $0.append($1) }
                }
                #expect(results.filter { $0 == nil }.count == Self.fields.count, "round \(round): \(results)")
                let stored = try await there.show(id, as: "amina")
                #expect(stored.version == 1 + Self.fields.count)
                for (name, value) in Self.fields { #expect(stored.fields[name] == value, "round \(round): \(name)") }
                #expect(try await here.history(id, as: "amina").1.count == 1 + Self.fields.count)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentUpdatesNamingTheVersionTheySawStillConflict(_ backend: Backend) async throws {
        try await RememberedCasesTests.withTwoEngines(backend) { here, there in
            let opened = try await here.open("avrr", fields: RememberedCasesTests.opening, as: "amina")
            let id = CaseLocator.id(opened.id)
            let results = await withTaskGroup(of: WorkflowError.Code?.self) { group in
                for (index, (name, value)) in Self.fields.enumerated() {
                    let engine = index.isMultiple(of: 2) ? here : there
                    group.addTask {
                        await Self.code { _ = try await engine.update(id, fields: [name: value], as: "amina", expectedVersion: 1) }
                    }
                }
                return await group.reduce(into: [WorkflowError.Code?]()) { $0.append($1) }
            }
            #expect(results.filter { $0 == nil }.count == 1)
            #expect(results.compactMap { $0 } == Array(repeating: .conflict, count: Self.fields.count - 1))
            #expect(try await there.show(id, as: "amina").version == 2)
        }
    }

    @Test(arguments: Backend.allCases)
    func aRetriedKeyedRequestReturnsTheCaseAsThatRequestLeftIt(_ backend: Backend) async throws {
        try await RememberedCasesTests.withTwoEngines(backend) { here, there in
            let opened = try await here.open("avrr", fields: RememberedCasesTests.opening, as: "amina", idempotencyKey: "open-1")
            let id = CaseLocator.id(opened.id)
            let counselled = try await here.advance(id, "start_counselling", as: "amina", idempotencyKey: "counsel-1")
            let updated = try await here.update(id, fields: ["household_ref": .string("HH-17")], as: "amina", idempotencyKey: "update-1")
            // Later changes by others.
            _ = try await there.update(id, fields: ["nationality": .string("MMR"), "household_ref": .string("HH-18")], as: "amina")
            let held = try await there.advance(id, "hold", reason: "travel ban", as: "amina")
            #expect(held.version == 5)

            let heard = Heard()
            var hereListening = here, thereListening = there
            hereListening.replays = { heard.append($0) }
            thereListening.replays = { heard.append($0) }
            let againOpened = try await thereListening.open("avrr", fields: RememberedCasesTests.opening, as: "amina", idempotencyKey: "open-1")
            let againCounselled = try await thereListening.advance(id, "start_counselling", as: "amina", idempotencyKey: "counsel-1")
            let againUpdated = try await hereListening.update(id, fields: ["household_ref": .string("HH-17")], as: "amina", idempotencyKey: "update-1")
            #expect(Self.same(againOpened, opened))
            #expect(Self.same(againCounselled, counselled))
            #expect(Self.same(againUpdated, updated))
            #expect(againCounselled.version == 2 && againCounselled.state == "counselling" && againCounselled.fields["household_ref"] == nil)
            #expect(againUpdated.version == 3 && againUpdated.fields["household_ref"] == .string("HH-17") && againUpdated.fields["nationality"] == nil)
            #expect(heard.all.map(\.key) == ["open-1", "counsel-1", "update-1"])
            #expect(heard.all.map(\.version) == [1, 2, 3])
            #expect(zip(heard.all.map(\.firstMadeAt), [opened.updatedAt, counselled.updatedAt, updated.updatedAt]).allSatisfy(Self.sameTime))
            // Nothing was applied twice; the case is as the later changes left it.
            let now = try await here.show(id, as: "amina")
            #expect(now.version == 5 && now.state == "on_hold")
            // A fresh request under a used key is still refused.
            #expect(await Self.code { _ = try await here.advance(id, "resume", as: "amina", idempotencyKey: "counsel-1") } == .invalidData)
        }
    }

    /// Times read back from PostgreSQL may differ from those written in the last bit of a `Date`'s double.
    static func sameTime(_ a: Date, _ b: Date) -> Bool { abs(a.timeIntervalSince(b)) < 0.000_01 }

    /// The same case, times compared to within that last bit.
    static func same(_ a: CaseRecord, _ b: CaseRecord) -> Bool {
        var b = b
        for path in [\CaseRecord.stateEnteredAt, \.createdAt, \.updatedAt] where sameTime(a[keyPath: path], b[keyPath: path]) {
            b[keyPath: path] = a[keyPath: path]
        }
        if let x = a.dueAt, let y = b.dueAt, sameTime(x, y) { b.dueAt = x }
        return a == b
    }

    @Test(arguments: Backend.allCases)
    func aRenamedPeriodKeepsItsOldNameAndNoOtherPeriodMayTakeIt(_ backend: Backend) async throws {
        try await ModuleFeaturesOnStoreTests.withCoordinator(backend) { (engine) async throws in
            let first = try await engine.open("jpa.period", fields: ["name": .string("JPA 5")], as: "dewi")
            _ = try await engine.update(.id(first.id), fields: ["name": .string("JPA 6")], as: "dewi")
            // Neither the old name nor the new one may be taken by another period, however spelt.
            for name in ["JPA 5", "jpa 5", "JPA 6"] {
                #expect(await Self.code { _ = try await engine.open("jpa.period", fields: ["name": .string(name)], as: "dewi") } == .invalidData)
            }
            // The period may take back a name it had; still both stay its own.
            #expect(try await engine.update(.id(first.id), fields: ["name": .string("JPA 5")], as: "dewi").fields["name"] == .string("JPA 5"))
            #expect(await Self.code { _ = try await engine.open("jpa.period", fields: ["name": .string("JPA 6")], as: "dewi") } == .invalidData)
            // Cancelled, it still holds both: a name is never reused.
            _ = try await engine.advance(.id(first.id), "cancel", reason: "postponed", as: "dewi")
            for name in ["JPA 5", "JPA 6"] {
                #expect(await Self.code { _ = try await engine.open("jpa.period", fields: ["name": .string(name)], as: "dewi") } == .invalidData)
            }
            #expect(try await engine.list(CaseQuery(workflow: "jpa.period"), as: "dewi").count == 1)
        }
    }
}

/// What a replay observer heard, in order.
final class Heard: @unchecked Sendable {
    private let lock = NSLock()
    private var replays: [Replay] = []

    func append(_ replay: Replay) { lock.withLock { replays.append(replay) } }
    var all: [Replay] { lock.withLock { replays } }
}
