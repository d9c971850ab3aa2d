import Foundation
import JointPeriodOfAction
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine
import WorkflowTestSupport

/// Recording an outcome counts; it never touches the case's fields.
@Suite("Recording outcomes leaves the fields alone")
struct OutcomeRecordingTests {
    static let now = Date(timeIntervalSince1970: 1_782_000_000)  // 2026-06-21

    @Test("case record, a correction included, leaves every field as it was", arguments: Backend.allCases)
    func aRecordedOutcomeLeavesTheFieldsUnchanged(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let engine = Engine(registry: try WorkflowRegistry(modules: [JointPeriodOfActionModule()]), store: store, sealing: .testing, clock: FixedClock(Self.now))
            _ = try await engine.addUser("root", roles: [.admin], as: nil)
            _ = try await engine.addUser("dewi", roles: [.coordinator], as: "root")
            let period = try await engine.open("jpa.period", fields: [
                "name": .string("JPA 3"), "starts_on": .string("2026-05-01"), "ends_on": .string("2026-07-31"),
                "participating_countries": .string("IDN,THA"),
            ], as: "dewi")
            _ = try await engine.advance(.id(period.id), "start", as: "dewi")
            let opened = try await engine.open("jpa.operation", fields: [
                "name": .string("Op Coral"), "lead_country": .string("IDN"), "summary": .string("boats\tand\nports"),
            ], parent: .id(period.id), as: "dewi")
            let launched = try await engine.advance(.id(opened.id), "launch", as: "dewi")

            _ = try await engine.record(.id(opened.id), outcome: "arrests", count: 4, as: "dewi")
            _ = try await engine.record(.id(opened.id), outcome: "arrests", count: -1, reason: "double count", as: "dewi")

            // Read back from the database, not from what the engine handed back.
            let stored = try #require(try await store.findCase(.id(opened.id)))
            #expect(stored.fields == launched.fields)
            #expect(stored.fields.keys.sorted() == ["lead_country", "name", "summary"])
            #expect(stored.outcomes == ["arrests": 3])
            #expect(stored.version == launched.version + 2)
            // The payload stays in the history, where it belongs.
            let history = try await store.history(of: opened.id)
            #expect(history.suffix(2).map(\.fields) == [
                ["outcome": .string("arrests"), "count": .int(4)], ["outcome": .string("arrests"), "count": .int(-1)],
            ])
        }
    }

    @Test("an outcome event never overwrites a field that shares its payload's names", arguments: Backend.allCases)
    func anOutcomeEventDoesNotOverwriteAFieldNamedCount(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let fields: FieldValues = ["count": .int(7), "outcome": .string("pending"), "host_country": .string("THA")]
            let opened = try await store.insert(Sample.newCase(fields: fields))
            let recorded = try await store.apply(Sample.outcome(opened, "arrests", 2))
            #expect(try await store.findCase(.id(opened.id))?.fields == fields)
            #expect(try await store.findCase(.id(opened.id)) == recorded)
            // A field update after it still patches the fields it set, and only those.
            let updated = try await store.apply(Sample.update(recorded, ["host_country": .string("MYS"), "outcome": .null]))
            #expect(try await store.findCase(.id(opened.id))?.fields == ["count": .int(7), "host_country": .string("MYS")])
            #expect(try await store.findCase(.id(opened.id)) == updated)
        }
    }
}

extension Sample {
    /// `count` added to the outcome counter `name`, as the decider records it: the payload is the history's, not the case's.
    static func outcome(_ record: CaseRecord, _ name: String, _ count: Int, at: Date? = nil) -> CaseChange {
        var next = record
        let when = at ?? record.updatedAt.addingTimeInterval(3600)
        next.outcomes[name, default: 0] += count
        next.version = record.version + 1
        next.updatedAt = when
        let event = EventRecord(caseID: record.id, caseVersion: next.version, kind: .outcome, actor: "amina", role: .caseworker,
                                reason: nil, fields: ["outcome": .string(name), "count": .int(count)], at: when,
                                idempotencyKey: nil, requestHash: nil)
        return CaseChange(record: next, expectedVersion: record.version, event: event)
    }

    /// A field update setting (or, with `null`, clearing) `fields`.
    static func update(_ record: CaseRecord, _ fields: FieldValues) -> CaseChange {
        var next = record
        let when = record.updatedAt.addingTimeInterval(3600)
        for (name, value) in fields { next.fields[name] = value == .null ? nil : value }
        next.version = record.version + 1
        next.updatedAt = when
        let event = EventRecord(caseID: record.id, caseVersion: next.version, kind: .fieldUpdate, actor: "amina", role: .caseworker,
                                reason: nil, fields: fields, at: when, idempotencyKey: nil, requestHash: nil)
        return CaseChange(record: next, expectedVersion: record.version, event: event)
    }
}
