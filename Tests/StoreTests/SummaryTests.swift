import AVRR
import Foundation
import PostgresNIO
import Testing
import WorkflowTestSupport
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine

/// PostgreSQL answers stage counts and durations from summaries and time-to-state from the stay that first reached it (month snapshots, stays per day of duration) plus what
/// happened since. Whatever happens — a first build, writes after it, a refresh, a back-dated write — the answers equal
/// those computed straight from each case's stays.
@Suite("Stage summaries on PostgreSQL")
struct SummaryTests {
    static let opening: FieldValues = [
        "full_name": .string("X"), "host_country": .string("THA"), "category": .string("irregular_migrant"),
        "consent_signed_on": .string("2024-01-01"), "destination_country": .string("LKA"), "travel_document": .string("valid"),
    ]
    /// What each AVRR transition that needs fields sets on the way (a transition sets only what it may).
    static let moving: [String: FieldValues] = [
        "arrange_travel": ["departure_date": .string("2024-06-01"), "exit_clearance": .string("granted")],
        "confirm_return": ["arrival_date": .string("2024-06-02")],
        "start_reintegration": ["reintegration_plan": .string("plan")],
    ]

    /// Opens cases and moves them at random (seeded: every run makes the same moves), at `times` (nil: now), oldest first.
    /// Returns how many moves landed; a move may only fail on an unmet guard, and most must land.
    @discardableResult
    static func churn(_ engine: Engine, _ cases: inout [UUID], times: [Date?], seed: UInt64 = 9,
                      sourceLocation: SourceLocation = #_sourceLocation) async throws -> Int {
        var random = SeededRandom(seed: seed)
        var tried = 0, moved = 0
        for (step, time) in times.enumerated() {
            if cases.count < 6 || step % 7 == 0 {
                cases.append(try await engine.open("avrr", fields: opening, as: "amina", at: time).id)
                continue
            }
            let id = cases.randomElement(using: &random)!
            let current = try await engine.find(.id(id))
            guard let transition = AVRR.workflow.transitions(from: current.state).randomElement(using: &random) else { continue }
            let actor = transition.roles.contains(.approver) ? "chen" : "amina"
            tried += 1
            do {
                _ = try await engine.advance(.id(id), transition.name, fields: moving[transition.name] ?? [:], reason: "randomised", as: actor, at: time)
                moved += 1
            } catch let refusal as WorkflowError where refusal.code == .guardFailed {
                continue
            }
        }
        #expect(moved * 2 >= tried, "only \(moved) of \(tried) random moves landed", sourceLocation: sourceLocation)
        return moved
    }

    /// Every stay of every case, from the projection (itself checked against the history elsewhere).
    static func stays(_ store: any CaseStore, _ cases: [UUID]) async throws -> [StageInterval] {
        var all: [StageInterval] = []
        for id in cases { all += try await store.stageIntervals(of: id) }
        return all
    }

    static func expectAgreement(_ store: PostgresStore, _ cases: [UUID], at instants: [Date], _ comment: Comment) async throws {
        let stays = try await stays(store, cases)
        for instant in instants {
            var expected: [String: Int] = [:]
            for stay in stays where stay.enteredAt < instant && (stay.leftAt.map { $0 >= instant } ?? true) {
                expected[stay.state, default: 0] += 1
            }
            let counted = try await store.stageCounts(workflow: "avrr", at: instant, by: nil)
            #expect(Dictionary(uniqueKeysWithValues: counted.filter { $0.count != 0 }.map { ($0.state, $0.count) }) == expected,
                    "\(comment) at \(instant.iso8601)")
        }
        var now: [String: Int] = [:]
        for stay in stays where stay.leftAt == nil { now[stay.state, default: 0] += 1 }
        let current = try await store.stageCounts(workflow: "avrr", by: nil)
        #expect(Dictionary(uniqueKeysWithValues: current.filter { $0.count != 0 }.map { ($0.state, $0.count) }) == now, "\(comment) now")

        let finished = Dictionary(grouping: stays.filter { $0.leftAt != nil }, by: \.state)
        let expectedDurations = finished.compactMap { state, stays in
            DurationStats(state: state, seconds: stays.map { $0.leftAt!.timeIntervalSince($0.enteredAt) })
        }.sorted { $0.state < $1.state }
        let durations = try await store.stageDurations(workflow: "avrr").sorted { $0.state < $1.state }
        #expect(durations.map(\.state) == expectedDurations.map(\.state), "\(comment)")
        for (found, expected) in zip(durations, expectedDurations) { expectClose(found, expected, comment) }

        // From opening to the first stay in each state, per case.
        for state in AVRR.workflow.states.map(\.name) {
            var seconds: [Double] = []
            for id in cases {
                let own = try await store.stageIntervals(of: id)
                if let opened = own.first?.enteredAt, let reached = own.first(where: { $0.state == state })?.enteredAt {
                    seconds.append(reached.timeIntervalSince(opened))
                }
            }
            let found = try await store.durationsToState(workflow: "avrr", state: state)
            #expect((found == nil) == seconds.isEmpty, "\(comment) reaching \(state)")
            if let found, let expected = DurationStats(state: state, seconds: seconds) { expectClose(found, expected, comment) }
        }
    }

    static func expectClose(_ found: DurationStats, _ expected: DurationStats, _ comment: Comment) {
        #expect(found.count == expected.count, "\(comment) \(found.state)")
        #expect(abs(found.medianSeconds - expected.medianSeconds) < 0.001, "\(comment) \(found.state) median")
        #expect(abs(found.p90Seconds - expected.p90Seconds) < 0.001, "\(comment) \(found.state) p90")
    }

    static func summaryExists(_ store: PostgresStore) async throws -> Bool {
        try await !store.client.query("SELECT 1 FROM stage_summaries WHERE workflow = 'avrr' AND covers_before IS NOT NULL",
                                      logger: store.logger).collect().isEmpty
    }

    @Test func summariesAgreeWithTheStaysThroughBuildsWritesRefreshesAndBackDating() async throws {
        try await Backend.postgres.withFreshStore { (anyStore, _) async throws in
            let store = try #require(anyStore as? PostgresStore)
            let engine = Engine(registry: try WorkflowRegistry(modules: [AVRRModule()]), store: store, sealing: .testing)
            _ = try await engine.addUser("root", roles: [.admin], as: nil)
            _ = try await engine.addUser("amina", roles: [.caseworker], as: "root")
            _ = try await engine.addUser("chen", roles: [.approver], as: "root")
            var random = SeededRandom(seed: 2024)
            // Months of history, back-dated: every write of it is older than the summary could be.
            var clock = Date().addingTimeInterval(-400 * 86_400)
            var times: [Date?] = []
            for _ in 0..<120 {
                clock = clock.addingTimeInterval(Double(Int.random(in: 60_000...250_000, using: &random)) + 0.25)
                times.append(clock)
            }
            var cases: [UUID] = []
            try await Self.churn(engine, &cases, times: times)
            let first = times.first!!, last = times.last!!
            let monthStarts = stride(from: 0, to: 16, by: 1).compactMap {
                Calendar(identifier: .gregorian).date(byAdding: .month, value: $0, to: SimpleDate(first.iso8601.prefix(8) + "01")?.startOfDay ?? first)
            }
            var instants = [first.addingTimeInterval(-1), last.addingTimeInterval(1), Date().addingTimeInterval(86_400)]
            instants += monthStarts.flatMap { [$0.addingTimeInterval(-0.001), $0, $0.addingTimeInterval(0.001)] }
            instants += (0..<10).map { _ in Date(timeIntervalSince1970: Double.random(in: first.timeIntervalSince1970...last.timeIntervalSince1970, using: &random)) }
            // Just before and after events (an event exactly at the instant is the hand-computed tests' business:
            // here, floating-point times would blur it).
            instants += times.prefix(20).compactMap { $0 }.flatMap { [$0.addingTimeInterval(-0.001), $0.addingTimeInterval(0.001)] }

            #expect(try await !Self.summaryExists(store))
            try await Self.expectAgreement(store, cases, at: instants, "first build")
            #expect(try await Self.summaryExists(store))

            try await Self.churn(engine, &cases, times: Array(repeating: nil, count: 30))
            // A case that comes back to counselling twice reached it once, at its first stay.
            let returning = try await engine.open("avrr", fields: Self.opening, as: "amina").id
            cases.append(returning)
            for transition in ["start_counselling", "hold", "resume", "hold", "resume"] {
                _ = try await engine.advance(.id(returning), transition, reason: "back and forth", as: "amina")
            }
            #expect(try await Self.summaryExists(store), "writes dated now leave the summary standing")
            try await Self.expectAgreement(store, cases, at: instants, "writes since the build")

            try await store.refreshSummary(workflow: "avrr", age: 0, margin: 0)
            try await Self.churn(engine, &cases, times: Array(repeating: nil, count: 10))
            try await Self.expectAgreement(store, cases, at: instants, "after a refresh up to now")

            let late = try await engine.open("avrr", fields: Self.opening, as: "amina", at: Date().addingTimeInterval(-7_200))
            #expect(try await !Self.summaryExists(store), "a case opened two hours ago unmakes the summary")
            cases.append(late.id)
            try await Self.expectAgreement(store, cases, at: instants, "rebuilt after back-dating")
            #expect(try await Self.summaryExists(store))
            _ = try await engine.advance(.id(late.id), "start_counselling", as: "amina", at: Date().addingTimeInterval(-3_600))
            #expect(try await !Self.summaryExists(store), "a transition dated an hour back unmakes the summary")
            try await Self.expectAgreement(store, cases, at: instants, "rebuilt after a back-dated transition")
        }
    }

    /// Metrics may read from a replica: there the summary cannot be brought forward, and what is there still answers.
    @Test func metricsOnAReadOnlyServerAnswerFromWhatIsThere() async throws {
        try await Backend.postgres.withFreshStore { (anyStore, raw) async throws in
            let store = try #require(anyStore as? PostgresStore)
            guard case .postgres(let location) = raw else { return }
            let engine = Engine(registry: try WorkflowRegistry(modules: [AVRRModule()]), store: store, sealing: .testing)
            _ = try await engine.addUser("root", roles: [.admin], as: nil)
            _ = try await engine.addUser("amina", roles: [.caseworker], as: "root")
            _ = try await engine.addUser("chen", roles: [.approver], as: "root")
            var cases: [UUID] = []
            let start = Date().addingTimeInterval(-90 * 86_400)
            try await Self.churn(engine, &cases, times: (0..<40).map { Optional(start.addingTimeInterval(Double($0) * 150_000 + 0.5)) })
            let instants = [start.addingTimeInterval(30 * 86_400), Date().addingTimeInterval(60)]
            // A summary, then a back-dated write that unmakes it: the read-only server has neither to bring forward.
            for stale in [false, true] {
                if stale {
                    _ = try await engine.open("avrr", fields: Self.opening, as: "amina", at: Date().addingTimeInterval(-86_400))
                    cases = try await engine.list(CaseQuery(workflow: "avrr", limit: 10_000), as: "amina").map(\.id)
                } else {
                    _ = try await store.stageDurations(workflow: "avrr")
                }
                // From the admin database: a read-only session could not take it back.
                let admin = try TestPostgres.adminLocation()
                try await TestPostgres.execute("ALTER DATABASE \(location.database) SET default_transaction_read_only = on", on: admin)
                let known = cases
                try await PostgresStore.withStore(location) { readOnly in
                    try await Self.expectAgreement(readOnly, known, at: instants, stale ? "read-only, no summary" : "read-only, a summary")
                }
                try await TestPostgres.execute("ALTER DATABASE \(location.database) SET default_transaction_read_only = off", on: admin)
            }
        }
    }
}
