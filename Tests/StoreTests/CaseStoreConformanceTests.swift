import Foundation
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine

/// What every `CaseStore` must do, run against SQLite and PostgreSQL alike.
@Suite("CaseStore conformance")
struct CaseStoreConformanceTests {
    @Test(arguments: Backend.allCases)
    func migrateIsSafeToRerunAndReportsEveryMigrationApplied(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            #expect(try await store.migrate().isEmpty)
            let status = try await store.migrationStatus()
            #expect(!status.isEmpty)
            #expect(status.allSatisfy { $0.appliedAt != nil })
        }
    }

    @Test(arguments: Backend.allCases)
    func firstUserIsAddedOnlyWhileNoUserExists(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            #expect(try await store.addUser(Sample.user("root", [.admin]), onlyIfFirst: true))
            #expect(try await !store.addUser(Sample.user("other", [.admin]), onlyIfFirst: true))
            #expect(try await store.users().map(\.name) == ["root"])
            #expect(try await store.user(named: "root")?.roles == [.admin])
            #expect(try await store.user(named: "other") == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func aTakenUserNameIsRefusedAsInvalidData(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            try await store.addUser(Sample.user("amina", [.caseworker]), onlyIfFirst: false)
            await #expect(throws: WorkflowError.self) {
                try await store.addUser(Sample.user("amina", [.approver]), onlyIfFirst: false)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func referencesCountUpPerPrefixAndYear(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let first = try await store.insert(Sample.newCase(year: 2013))
            let second = try await store.insert(Sample.newCase(year: 2013))
            let nextYear = try await store.insert(Sample.newCase(year: 2014))
            #expect(first.reference == "AVRR-2013-000001")
            #expect(second.reference == "AVRR-2013-000002")
            #expect(nextYear.reference == "AVRR-2014-000001")
        }
    }

    @Test(arguments: Backend.allCases)
    func anOpenedCaseReadsBackIdenticallyByIdAndByReference(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let fields: FieldValues = [
                "host_country": .string("IDN"), "vulnerabilities": .array([.string("medical")]),
                "reintegration_grant_usd": .decimal(Decimal(string: "1500.25")!), "fit_to_travel": .bool(true),
            ]
            let opened = try await store.insert(Sample.newCase(fields: fields))
            #expect(try await store.findCase(.id(opened.id)) == opened)
            #expect(try await store.findCase(.reference(opened.reference)) == opened)
            #expect(try await store.findCase(.reference("AVRR-1999-000001")) == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func applyWritesTheCaseAndItsEventTogether(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let opened = try await store.insert(Sample.newCase())
            let change = Sample.change(opened, to: "counselling", transition: "start_counselling",
                                       fields: ["sex": .string("female"), "host_country": .null])
            let applied = try await store.apply(change)
            #expect(try await store.findCase(.id(opened.id)) == applied)
            #expect(applied.fields["host_country"] == nil)
            let history = try await store.history(of: opened.id)
            #expect(history.map(\.kind) == [.opened, .transition])
            #expect(history.map(\.caseVersion) == [1, 2])
            #expect(history[1].fields == ["sex": .string("female"), "host_country": .null])
            #expect(history[1].from == "registered" && history[1].to == "counselling")
        }
    }

    @Test(arguments: Backend.allCases)
    func applyRefusesAStaleVersionAndWritesNothing(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let opened = try await store.insert(Sample.newCase())
            _ = try await store.apply(Sample.change(opened, to: "counselling", transition: "start_counselling"))
            await #expect(throws: StoreSignal.self) {
                try await store.apply(Sample.change(opened, to: "referred", transition: "refer"))
            }
            #expect(try await store.findCase(.id(opened.id))?.state == "counselling")
            #expect(try await store.history(of: opened.id).count == 2)
        }
    }

    @Test(arguments: Backend.allCases)
    func anIdempotencyKeyCanBeUsedOnlyOnce(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let opened = try await store.insert(Sample.newCase(key: "k-1"))
            #expect(try await store.idempotentRequest(key: "k-1") == IdempotentRequest(caseID: opened.id, requestHash: "h"))
            #expect(try await store.idempotentRequest(key: "k-2") == nil)
            await #expect(throws: StoreSignal.self) { try await store.insert(Sample.newCase(key: "k-1")) }
            #expect(try await store.listCases(CaseQuery()).count == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func theDatabaseRefusesToUpdateOrDeleteHistory(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, raw) async throws in
            let opened = try await store.insert(Sample.newCase())
            await #expect(throws: (any Error).self) { try await raw.execute("UPDATE case_events SET actor = 'mallory'") }
            await #expect(throws: (any Error).self) { try await raw.execute("DELETE FROM case_events") }
            let history = try await store.history(of: opened.id)
            #expect(history.count == 1 && history[0].actor == "amina")
        }
    }

    @Test(arguments: Backend.allCases)
    func latestActorsNamesWhoLastMadeEachTransition(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            var record = try await store.insert(Sample.newCase())
            record = try await store.apply(Sample.change(record, to: "awaiting_approval", transition: "submit", by: "amina"))
            record = try await store.apply(Sample.change(record, to: "counselling", transition: "return_to_counselling", by: "chen"))
            record = try await store.apply(Sample.change(record, to: "awaiting_approval", transition: "submit", by: "budi"))
            let actors = try await store.latestActors(of: record.id)
            #expect(actors == ["submit": "budi", "return_to_counselling": "chen"])
        }
    }

    @Test(arguments: Backend.allCases)
    func listCasesAppliesEveryFilter(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let thai = try await store.insert(Sample.newCase(fields: ["host_country": .string("THA"), "vulnerabilities": .array([.string("medical")])]))
            var due = Sample.newCase(at: Sample.t0.addingTimeInterval(60), fields: ["host_country": .string("IDN")])
            due.record.dueAt = Sample.t0.addingTimeInterval(86_400)
            let indonesian = try await store.insert(due)
            _ = try await store.apply(Sample.change(thai, to: "counselling", transition: "start_counselling"))

            #expect(try await store.listCases(CaseQuery()).map(\.id) == [thai.id, indonesian.id])
            #expect(try await store.listCases(CaseQuery(state: "registered")).map(\.id) == [indonesian.id])
            #expect(try await store.listCases(CaseQuery(fieldEquals: [("host_country", .string("THA"))])).map(\.id) == [thai.id])
            #expect(try await store.listCases(CaseQuery(fieldEquals: [("vulnerabilities", .array([.string("medical")]))])).map(\.id) == [thai.id])
            #expect(try await store.listCases(CaseQuery(overdueAt: Sample.t0.addingTimeInterval(2 * 86_400))).map(\.id) == [indonesian.id])
            #expect(try await store.listCases(CaseQuery(overdueAt: Sample.t0)).isEmpty)
            #expect(try await store.listCases(CaseQuery(limit: 1)).count == 1)
            #expect(try await store.listCases(CaseQuery(workflow: "jpa.period")).isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func stageCountsGroupByStateAndOptionallyByField(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            for host in ["THA", "THA", "IDN"] { _ = try await store.insert(Sample.newCase(fields: ["host_country": .string(host)])) }
            let plain = try await store.stageCounts(workflow: "avrr", by: nil)
            #expect(plain == [StageCount(state: "registered", value: nil, count: 3)])
            let byHost = Set(try await store.stageCounts(workflow: "avrr", by: "host_country"))
            #expect(byHost == [StageCount(state: "registered", value: "THA", count: 2),
                               StageCount(state: "registered", value: "IDN", count: 1)])
        }
    }
}
