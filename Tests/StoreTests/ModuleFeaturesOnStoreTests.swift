import CRVSAssessment
import Foundation
import JointPeriodOfAction
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine
import WorkflowTestSupport

/// Parent cases, unique fields and outcome counters, end to end on each real store.
@Suite("Parents, unique fields and outcomes on a real store")
struct ModuleFeaturesOnStoreTests {
    static let now = Date(timeIntervalSince1970: 1_782_000_000)  // 2026-06

    static func withCoordinator<T: Sendable>(_ backend: Backend, _ body: @Sendable (Engine) async throws -> T) async throws -> T {
        try await backend.withFreshStore { (store, _) async throws in
            let registry = try WorkflowRegistry(modules: [JointPeriodOfActionModule(), CRVSAssessmentModule()])
            let engine = Engine(registry: registry, store: store, sealing: .testing, clock: FixedClock(now))
            _ = try await engine.addUser("root", roles: [.admin], as: nil)
            _ = try await engine.addUser("dewi", roles: [.coordinator], as: "root")
            _ = try await engine.addUser("maria", roles: [.manager], as: "root")
            return try await body(engine)
        }
    }

    static func activePeriod(_ engine: Engine, name: String = "JPA 3") async throws -> CaseRecord {
        let period = try await engine.open("jpa.period", fields: [
            "name": .string(name), "starts_on": .string("2026-05-01"), "ends_on": .string("2026-07-31"),
            "participating_countries": .string("IDN,THA"),
        ], as: "dewi")
        return try await engine.advance(.id(period.id), "start", as: "dewi")
    }

    static func operation(_ engine: Engine, under period: CaseRecord, lead: String = "IDN") async throws -> CaseRecord {
        try await engine.open("jpa.operation", fields: ["name": .string("Op \(lead)"), "lead_country": .string(lead)],
                              parent: .id(period.id), as: "dewi")
    }

    /// The refusal's code, or nil when the attempt succeeded; any other error fails the test (it is no refusal).
    static func code(_ attempt: () async throws -> Void) async throws -> WorkflowError.Code? {
        do { try await attempt(); return nil } catch let error as WorkflowError { return error.code }
    }

    @Test(arguments: Backend.allCases)
    func anOperationIsOpenedOnlyUnderAPeriod(_ backend: Backend) async throws {
        try await Self.withCoordinator(backend) { (engine) async throws in
            let period = try await Self.activePeriod(engine)
            let fields: FieldValues = ["name": .string("Op"), "lead_country": .string("IDN")]
            #expect(try await Self.code { _ = try await engine.open("jpa.operation", fields: fields, as: "dewi") } == .invalidData)
            let other = try await Self.operation(engine, under: period)
            #expect(try await Self.code { _ = try await engine.open("jpa.operation", fields: fields, parent: .id(other.id), as: "dewi") } == .invalidData)
            #expect(try await Self.code { _ = try await engine.open("jpa.period", fields: ["name": .string("X")], parent: .id(period.id), as: "dewi") } == .invalidData)
            let children = try await engine.list(CaseQuery(parentID: period.id), as: "dewi")
            #expect(children.map(\.id) == [other.id])
        }
    }

    @Test(arguments: Backend.allCases)
    func anOperationLaunchesOnlyWhileItsPeriodIsActive(_ backend: Backend) async throws {
        try await Self.withCoordinator(backend) { (engine) async throws in
            let planned = try await engine.open("jpa.period", fields: ["name": .string("JPA 9")], as: "dewi")
            let early = try await Self.operation(engine, under: planned)
            #expect(try await Self.code { _ = try await engine.advance(.id(early.id), "launch", as: "dewi") } == .guardFailed)
            let period = try await Self.activePeriod(engine)
            let timely = try await Self.operation(engine, under: period)
            #expect(try await engine.advance(.id(timely.id), "launch", as: "dewi").state == "active")
        }
    }

    @Test(arguments: Backend.allCases)
    func aPeriodNameIsNeverReusedEvenWhenRacing(_ backend: Backend) async throws {
        try await Self.withCoordinator(backend) { (engine) async throws in
            let results = try await withThrowingTaskGroup(of: WorkflowError.Code?.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await Self.code { _ = try await engine.open("jpa.period", fields: ["name": .string("JPA 4")], as: "dewi") } }
                }
                return try await group.reduce(into: [WorkflowError.Code?]()) { $0.append($1) }
            }
            #expect(results.filter { $0 == nil }.count == 1)
            #expect(results.compactMap { $0 }.allSatisfy { $0 == .invalidData })
            #expect(try await Self.code { _ = try await engine.open("jpa.period", fields: ["name": .string(" jpa 4 ")], as: "dewi") } == .invalidData)
            #expect(try await Self.code { _ = try await engine.open("jpa.period", fields: ["name": .string("JPA  4")], as: "dewi") } == .invalidData)
            #expect(try await engine.list(CaseQuery(workflow: "jpa.period"), as: "dewi").count == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func oneOpenAssessmentPerCountryAndTheCountryIsFreedWhenItEnds(_ backend: Backend) async throws {
        try await Self.withCoordinator(backend) { (engine) async throws in
            let first = try await engine.open("crvs", fields: ["country": .string("THA")], as: "dewi")
            #expect(try await Self.code { _ = try await engine.open("crvs", fields: ["country": .string("THA")], as: "dewi") } == .invalidData)
            let other = try await engine.open("crvs", fields: ["country": .string("VNM")], as: "dewi")
            #expect(try await Self.code { _ = try await engine.update(.id(other.id), fields: ["country": .string("THA")], as: "dewi") } == .invalidData)
            _ = try await engine.update(.id(other.id), fields: ["country": .string("PAK")], as: "dewi")
            _ = try await engine.open("crvs", fields: ["country": .string("VNM")], as: "dewi")
            _ = try await engine.advance(.id(first.id), "withdraw", reason: "government request", as: "maria")
            #expect(try await engine.open("crvs", fields: ["country": .string("THA")], as: "dewi").state == "requested")
        }
    }

    @Test(arguments: Backend.allCases)
    func outcomesAddUpAndCorrectionsNeverGoBelowZero(_ backend: Backend) async throws {
        try await Self.withCoordinator(backend) { (engine) async throws in
            let period = try await Self.activePeriod(engine)
            let op = try await Self.operation(engine, under: period)
            #expect(try await Self.code { _ = try await engine.record(.id(op.id), outcome: "arrests", count: 2, as: "dewi") } == .notAllowed)
            _ = try await engine.advance(.id(op.id), "launch", as: "dewi")
            #expect(try await Self.code { _ = try await engine.advance(.id(op.id), "refer_for_prosecution", as: "dewi") } == .guardFailed)
            _ = try await engine.record(.id(op.id), outcome: "arrests", count: 4, as: "dewi")
            #expect(try await Self.code { _ = try await engine.record(.id(op.id), outcome: "arrests", count: -1, as: "dewi") } == .invalidData)
            #expect(try await Self.code { _ = try await engine.record(.id(op.id), outcome: "arrests", count: -5, reason: "typo", as: "dewi") } == .invalidData)
            #expect(try await Self.code { _ = try await engine.record(.id(op.id), outcome: "names", count: 1, as: "dewi") } == .invalidData)
            #expect(try await Self.code { _ = try await engine.record(.id(op.id), outcome: "arrests", count: 1, as: "maria") } == .forbidden)
            let corrected = try await engine.record(.id(op.id), outcome: "arrests", count: -1, reason: "double count", as: "dewi")
            #expect(corrected.outcomes["arrests"] == 3)
            #expect(try await engine.advance(.id(op.id), "refer_for_prosecution", as: "dewi").state == "judicial")
            let events = try await engine.history(.id(op.id), as: "dewi").1
            #expect(events.filter { $0.kind == .outcome }.count == 2)
        }
    }

    @Test(arguments: Backend.allCases)
    func aPeriodsTotalsAreTheSumOverItsOperations(_ backend: Backend) async throws {
        try await Self.withCoordinator(backend) { (engine) async throws in
            let period = try await Self.activePeriod(engine)
            let elsewhere = try await Self.activePeriod(engine, name: "JPA 5")
            for (lead, arrests, convictions) in [("IDN", 4, 1), ("THA", 2, 0), ("IDN", 3, 2)] {
                let op = try await Self.operation(engine, under: period, lead: lead)
                _ = try await engine.advance(.id(op.id), "launch", as: "dewi")
                _ = try await engine.record(.id(op.id), outcome: "arrests", count: arrests, as: "dewi")
                if convictions > 0 { _ = try await engine.record(.id(op.id), outcome: "convictions", count: convictions, as: "dewi") }
            }
            let noise = try await Self.operation(engine, under: elsewhere)
            _ = try await engine.advance(.id(noise.id), "launch", as: "dewi")
            _ = try await engine.record(.id(noise.id), outcome: "arrests", count: 100, as: "dewi")

            let report = try await engine.outcomeTotals("jpa.operation", parent: .id(period.id), by: "lead_country", as: "maria")
            #expect(report.totals["arrests"] == 9 && report.totals["convictions"] == 3 && report.totals["prosecutions"] == 0)
            #expect(report.by?["IDN"]?["arrests"] == 7 && report.by?["THA"]?["arrests"] == 2)
            #expect(try await engine.outcomeTotals("jpa.operation", as: "maria").totals["arrests"] == 109)
            #expect(try await Self.code { _ = try await engine.outcomeTotals("jpa.operation", parent: .id(noise.id), as: "maria") } == .invalidData)
        }
    }
}
