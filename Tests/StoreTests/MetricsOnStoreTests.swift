import AVRR
import Foundation
import Testing
import WorkflowTestSupport
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine

/// Managers' figures on each real store, against figures computed by hand.
///
/// Four AVRR cases (times UTC):
/// - A: opened 2024-01-10 10:00, counselling 01-20 23:30, submitted 02-01 00:30, approved 02-05 12:00
/// - B: opened 2024-01-20 12:00, counselling 01-25 09:00
/// - C: opened 2024-01-21 00:30
/// - D: opened 2024-02-01 08:00, counselling 03-01 00:00 (midnight: the next day's)
@Suite("Metrics on a real store")
struct MetricsOnStoreTests {
    static let now = Date(timeIntervalSince1970: 1_782_000_000)  // 2026-06

    static func at(_ text: String) -> Date { Date(iso8601: text)! }

    static func withCases<T: Sendable>(_ backend: Backend, _ body: @Sendable (Engine) async throws -> T) async throws -> T {
        try await backend.withFreshStore { (store, _) async throws in
            let engine = Engine(registry: try WorkflowRegistry(modules: [AVRRModule()]), store: store, sealing: .testing, clock: FixedClock(now))
            _ = try await engine.addUser("root", roles: [.admin], as: nil)
            _ = try await engine.addUser("amina", roles: [.caseworker], as: "root")
            _ = try await engine.addUser("chen", roles: [.approver], as: "root")
            let opening: FieldValues = ["full_name": .string("X"), "host_country": .string("THA"), "category": .string("irregular_migrant")]
            func open(_ when: String) async throws -> CaseLocator {
                .id(try await engine.open("avrr", fields: opening, as: "amina", at: at(when)).id)
            }
            let a = try await open("2024-01-10T10:00:00Z")
            let b = try await open("2024-01-20T12:00:00Z")
            _ = try await engine.advance(a, "start_counselling", as: "amina", at: at("2024-01-20T23:30:00Z"))
            _ = try await open("2024-01-21T00:30:00Z")
            _ = try await engine.advance(b, "start_counselling", as: "amina", at: at("2024-01-25T09:00:00Z"))
            _ = try await engine.advance(a, "submit", fields: [
                "consent_signed_on": .string("2024-01-30"), "destination_country": .string("LKA"), "travel_document": .string("valid"),
            ], as: "amina", at: at("2024-02-01T00:30:00Z"))
            let d = try await open("2024-02-01T08:00:00Z")
            _ = try await engine.advance(a, "approve", as: "chen", at: at("2024-02-05T12:00:00Z"))
            _ = try await engine.advance(d, "start_counselling", as: "amina", at: at("2024-03-01T00:00:00Z"))
            return try await body(engine)
        }
    }

    static func counts(_ engine: Engine, asOf day: String) async throws -> [String: Int] {
        let report = try await engine.stageCounts("avrr", asOf: SimpleDate(day)!, as: "chen")
        #expect(report.stages.map(\.state) == AVRR.workflow.states.map(\.name), "every state, in definition order")
        #expect(report.asOf == day)
        return report.stages.reduce(into: [:]) { if $1.count > 0 { $0[$1.state] = $1.count } }
    }

    @Test(arguments: Backend.allCases)
    func stageCountsAsOfTheEndOfADay(_ backend: Backend) async throws {
        try await Self.withCases(backend) { (engine) async throws in
            // 23:30 on the day counts; 00:30 the next day does not; C is opened after the day.
            #expect(try await Self.counts(engine, asOf: "2024-01-20") == ["registered": 1, "counselling": 1])
            // A's submission at 00:30 on 02-01 and D's opening at 08:00 come after the day.
            #expect(try await Self.counts(engine, asOf: "2024-01-31") == ["registered": 1, "counselling": 2])
            // Recent dates are counted back from now on PostgreSQL: the same figures must come out.
            #expect(try await Self.counts(engine, asOf: "2024-02-29") == ["registered": 2, "counselling": 1, "approved": 1])
            #expect(try await Self.counts(engine, asOf: "2024-03-01") == ["registered": 1, "counselling": 2, "approved": 1])
            #expect(try await Self.counts(engine, asOf: "2023-12-31") == [:])
            let current = try await engine.stageCounts("avrr", as: "chen")
            #expect(current.asOf == nil)
            #expect(current.stages.first { $0.state == "counselling" }?.count == 2)
        }
    }

    @Test(arguments: Backend.allCases)
    func flowCountsCasesEnteringAStateWithBothEndsIncluded(_ backend: Backend) async throws {
        try await Self.withCases(backend) { (engine) async throws in
            func flow(_ state: String, _ from: String, _ to: String) async throws -> Int {
                try await engine.flow("avrr", into: state, from: SimpleDate(from)!, to: SimpleDate(to)!, as: "chen").count
            }
            #expect(try await flow("counselling", "2024-01-20", "2024-01-25") == 2)
            #expect(try await flow("counselling", "2024-01-21", "2024-01-24") == 0)
            #expect(try await flow("counselling", "2024-01-25", "2024-02-29") == 1)
            #expect(try await flow("counselling", "2024-03-01", "2024-03-01") == 1)
            #expect(try await flow("registered", "2024-01-21", "2024-01-21") == 1)
            let split = try await engine.flow("avrr", into: "awaiting_approval", from: SimpleDate("2024-01-01")!,
                                              to: SimpleDate("2024-12-31")!, by: "destination_country", as: "chen")
            #expect(split.count == 1 && split.by == ["LKA": 1])
            await #expect(throws: WorkflowError.self) {
                _ = try await engine.flow("avrr", into: "returned", from: SimpleDate("2024-02-01")!, to: SimpleDate("2024-01-01")!, as: "chen")
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func durationsAreMedianAndNinetiethPercentileOfCompletedStays(_ backend: Backend) async throws {
        try await Self.withCases(backend) { (engine) async throws in
            let report = try await engine.durations("avrr", as: "chen")
            let byState = Dictionary(uniqueKeysWithValues: report.durations.map { ($0.state, $0) })
            // Registered stays that ended: B 4d21h, A 10d13h30, D 28d16h; C has not left.
            #expect(byState["registered"]?.count == 3)
            #expect(byState["registered"]?.medianSeconds == 912_600)
            #expect(abs((byState["registered"]?.p90Seconds ?? 0) - 2_163_960) < 0.01)
            #expect(byState["counselling"]?.count == 1 && byState["counselling"]?.medianSeconds == 954_000)
            #expect(byState["awaiting_approval"]?.medianSeconds == 387_000)
            #expect(byState["approved"]?.count == 0)
            let toApproval = try await engine.durations("avrr", to: "approved", as: "chen")
            #expect(toApproval.durations == [DurationStats(state: "approved", count: 1, medianSeconds: 2_253_600, p90Seconds: 2_253_600)])
        }
    }

    @Test(arguments: Backend.allCases)
    func theProjectionAlwaysAgreesWithTheHistory(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let engine = Engine(registry: try WorkflowRegistry(modules: [AVRRModule()]), store: store, sealing: .testing, clock: FixedClock(Self.now))
            _ = try await engine.addUser("root", roles: [.admin], as: nil)
            _ = try await engine.addUser("amina", roles: [.caseworker], as: "root")
            _ = try await engine.addUser("chen", roles: [.approver], as: "root")
            var random = SeededRandom(seed: 80)
            var tried = 0, moved = 0
            let fields: FieldValues = [
                "full_name": .string("X"), "host_country": .string("THA"), "category": .string("irregular_migrant"),
                "consent_signed_on": .string("2024-01-01"), "destination_country": .string("LKA"), "travel_document": .string("valid"),
            ]
            var cases: [UUID] = []
            var clock = Self.at("2024-01-01T00:00:00Z")
            for step in 0..<80 {
                clock = clock.addingTimeInterval(Double.random(in: 600...200_000, using: &random))
                if cases.count < 6 || step % 9 == 0 {
                    cases.append(try await engine.open("avrr", fields: fields, as: "amina", at: clock).id)
                    continue
                }
                let id = cases.randomElement(using: &random)!
                let current = try await engine.find(.id(id))
                guard let transition = AVRR.workflow.transitions(from: current.state).randomElement(using: &random) else { continue }
                let actor = transition.roles.contains(.approver) ? "chen" : "amina"
                tried += 1
                do {
                    _ = try await engine.advance(.id(id), transition.name, fields: SummaryTests.moving[transition.name] ?? [:],
                                                 reason: "randomised", as: actor, at: clock)
                    moved += 1
                } catch let refusal as WorkflowError where refusal.code == .guardFailed {
                    continue  // a random move may meet an unmet guard; any other error fails the test
                }
            }
            #expect(moved * 2 >= tried, "only \(moved) of \(tried) random moves landed")
            for id in cases {
                let moves = try await store.history(of: id).filter { $0.to != nil && $0.to != $0.from }
                let expected = moves.enumerated().map { index, event in
                    StageInterval(state: event.to!, enteredAt: event.at, leftAt: index + 1 < moves.count ? moves[index + 1].at : nil)
                }
                #expect(try await store.stageIntervals(of: id) == expected)
                #expect(try await engine.find(.id(id)).state == expected.last?.state)
            }
        }
    }
}
