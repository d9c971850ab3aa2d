import AVRR
import Foundation
import JointPeriodOfAction
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine
import WorkflowTestSupport

/// `runTimers` end to end on each real store: what fires, once, as `system`, and what is only overdue.
@Suite("Timers on a real store")
struct TimersOnStoreTests {
    static let now = Date(timeIntervalSince1970: 1_782_000_000)  // 2026-06-21T00:00:00Z
    static let day: TimeInterval = 86_400

    /// A workflow whose timer fires a guarded transition: `expire` needs a note.
    struct ExpiryModule: WorkflowModule {
        let name = "test"
        var workflows: [WorkflowDefinition] {
            [WorkflowDefinition(
                id: "test.expiry", referencePrefix: "TX", title: "Expiry",
                states: [.initial("open"), .init("waiting"), .terminal("expired")],
                transitions: [
                    TransitionDefinition("wait", from: ["open"], to: .state("waiting"), roles: [.coordinator]),
                    TransitionDefinition("expire", from: ["waiting"], to: .state("expired"), roles: [.coordinator],
                                         guards: [.isSet("note")]),
                ],
                fields: [FieldDefinition("note", .string)],
                timers: [TimerDefinition(in: "waiting", .daysInState(10), .fire("expire"))])]
        }
    }

    static func withEngine<T: Sendable>(_ backend: Backend, _ body: @Sendable (Engine) async throws -> T) async throws -> T {
        try await backend.withFreshStore { (store, _) async throws in
            let registry = try WorkflowRegistry(modules: [AVRRModule(), JointPeriodOfActionModule(), ExpiryModule()])
            let engine = Engine(registry: registry, store: store, sealing: .testing, clock: FixedClock(now))
            _ = try await engine.addUser("root", roles: [.admin], as: nil)
            _ = try await engine.addUser("amina", roles: [.caseworker], as: "root")
            _ = try await engine.addUser("chen", roles: [.approver], as: "root")
            _ = try await engine.addUser("dewi", roles: [.coordinator], as: "root")
            return try await body(engine)
        }
    }

    static let opening: FieldValues = [
        "full_name": .string("Test Person"), "host_country": .string("THA"), "category": .string("irregular_migrant"),
    ]

    /// An AVRR case taken all the way to `monitoring`, every step at the engine's clock.
    static func monitoringCase(_ engine: Engine) async throws -> CaseRecord {
        let ref = CaseLocator.id(try await engine.open("avrr", fields: opening, as: "amina").id)
        _ = try await engine.advance(ref, "start_counselling", as: "amina")
        _ = try await engine.advance(ref, "submit", fields: [
            "consent_signed_on": .string("2026-05-01"), "destination_country": .string("LKA"), "travel_document": .string("valid"),
        ], as: "amina")
        _ = try await engine.advance(ref, "approve", as: "chen")
        _ = try await engine.advance(ref, "arrange_travel", fields: [
            "departure_date": .string("2026-06-10"), "exit_clearance": .string("granted"),
        ], as: "amina")
        _ = try await engine.advance(ref, "confirm_return", fields: ["arrival_date": .string("2026-06-11")], as: "amina")
        _ = try await engine.advance(ref, "start_reintegration", fields: ["reintegration_plan": .string("Small shop")], as: "amina")
        return try await engine.advance(ref, "start_monitoring", as: "amina")
    }

    @Test(arguments: Backend.allCases)
    func aMonitoringCaseIsClosedBySystemOnceAYearLaterEvenWithFiveConcurrentRuns(_ backend: Backend) async throws {
        try await Self.withEngine(backend) { engine in
            var cases: [CaseRecord] = []
            for _ in 0..<4 { cases.append(try await Self.monitoringCase(engine)) }
            let deadline = Self.now.addingTimeInterval(365 * Self.day)
            #expect(cases.allSatisfy { $0.dueAt == deadline })

            let early = try await engine.runTimersWhenItIs(deadline.addingTimeInterval(-1))
            #expect(early.fired.isEmpty && early.overdue.isEmpty && early.skipped.isEmpty)

            let runs = try await withThrowingTaskGroup(of: TimerRun.self) { group in
                for _ in 0..<5 { group.addTask { try await engine.runTimersWhenItIs(deadline.addingTimeInterval(3 * Self.day)) } }
                return try await group.reduce(into: [TimerRun]()) { $0.append($1) }
            }
            let fired = runs.flatMap(\.fired)
            #expect(fired.count == cases.count, "fired \(fired.map(\.record.reference)), skipped \(runs.flatMap(\.skipped).map(\.reason))")
            #expect(Set(fired.map(\.record.id)) == Set(cases.map(\.id)))
            #expect(fired.allSatisfy { $0.transition == "close" && $0.from == "monitoring" && $0.record.state == "closed" })
            for record in cases {
                let (closed, events) = try await engine.history(.id(record.id), as: "amina")
                #expect(closed.state == "closed" && closed.dueAt == nil && closed.version == record.version + 1)
                let closes = events.filter { $0.transition == "close" }
                #expect(closes.count == 1)
                #expect(closes.first?.actor == User.systemName && closes.first?.role == .system)
                // Recorded when the year was up, not three days later when the runner got to it.
                #expect(closes.first?.at == deadline)
            }
            let again = try await engine.runTimersWhenItIs(deadline.addingTimeInterval(4 * Self.day))
            #expect(again.fired.isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func aPeriodWhoseEndsOnHasPassedIsConcludedBySystemAndAnExtendedOneIsNot(_ backend: Backend) async throws {
        try await Self.withEngine(backend) { engine in
            func period(_ name: String) async throws -> CaseRecord {
                let opened = try await engine.open("jpa.period", fields: [
                    "name": .string(name), "starts_on": .string("2026-06-01"), "ends_on": .string("2026-07-31"),
                    "participating_countries": .string("IDN,THA"),
                ], as: "dewi")
                return try await engine.advance(.id(opened.id), "start", as: "dewi")
            }
            let ending = try await period("JPA 3")
            let extended = try await period("JPA 4")
            _ = try await engine.advance(.id(extended.id), "extend", fields: ["ends_on": .string("2026-08-31")],
                                         reason: "networks still active", as: "dewi")
            let midnight = Date(iso8601: "2026-08-01T00:00:00Z")!
            #expect(ending.dueAt == midnight)

            // The period runs to the end of its last day.
            let lastDay = try await engine.runTimersWhenItIs(midnight.addingTimeInterval(-1))
            #expect(lastDay.fired.isEmpty && lastDay.overdue.isEmpty)

            let run = try await engine.runTimersWhenItIs(Date(iso8601: "2026-08-05T12:00:00Z")!)
            #expect(run.fired.map(\.record.id) == [ending.id])
            #expect(run.fired.first?.transition == "conclude" && run.fired.first?.record.state == "concluded")
            #expect(run.overdue.isEmpty && run.skipped.isEmpty)
            let (_, events) = try await engine.history(.id(ending.id), as: "dewi")
            #expect(events.last?.transition == "conclude" && events.last?.actor == User.systemName)
            #expect(events.last?.role == .system && events.last?.at == midnight)
            #expect(try await engine.find(.id(extended.id)).state == "active")
        }
    }

    @Test(arguments: Backend.allCases)
    func aTimerWhoseGuardsFailIsReportedOverdueAndWritesNothing(_ backend: Backend) async throws {
        try await Self.withEngine(backend) { engine in
            let opened = try await engine.open("test.expiry", fields: [:], as: "dewi")
            let waiting = try await engine.advance(.id(opened.id), "wait", as: "dewi")
            let before = try await engine.history(.id(waiting.id), as: "dewi").1

            let run = try await engine.runTimersWhenItIs(Self.now.addingTimeInterval(11 * Self.day))
            #expect(run.fired.isEmpty && run.skipped.isEmpty)
            #expect(run.overdue.map(\.record.id) == [waiting.id])
            #expect(run.overdue.first?.unmetGuards == ["note set"])
            #expect(run.overdue.first?.dueAt == Self.now.addingTimeInterval(10 * Self.day))
            #expect(run.overdue.first?.lateBy == Self.day)
            let (after, events) = try await engine.history(.id(waiting.id), as: "dewi")
            #expect(after == waiting)
            #expect(events == before)

            // Once the guard holds, the next run fires it at once: the refused run's claim did not linger.
            _ = try await engine.update(.id(waiting.id), fields: ["note": .string("checked")], as: "dewi")
            let retry = try await engine.runTimersWhenItIs(Self.now.addingTimeInterval(11 * Self.day))
            #expect(retry.fired.map(\.record.id) == [waiting.id])
            #expect(retry.overdue.isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func markOverdueTimersFireNothingAndListHowLateEachCaseIs(_ backend: Backend) async throws {
        try await Self.withEngine(backend) { engine in
            func submitted(at: String) async throws -> CaseRecord {
                let submittedAt = Date(iso8601: at)!
                let opened = try await engine.open("avrr", fields: Self.opening, as: "amina", at: submittedAt.addingTimeInterval(-2 * Self.day))
                _ = try await engine.advance(.id(opened.id), "start_counselling", as: "amina", at: submittedAt.addingTimeInterval(-Self.day))
                return try await engine.advance(.id(opened.id), "submit", fields: [
                    "consent_signed_on": .string("2026-02-01"), "destination_country": .string("LKA"), "travel_document": .string("valid"),
                ], as: "amina", at: submittedAt)
            }
            // awaiting_approval is due 14 days after submission: 2026-03-24T14:30Z.
            let awaiting = try await submitted(at: "2026-03-10T14:30:00Z")
            // approved is due 30 days after approval: 2026-04-10T10:00Z.
            let toApprove = try await submitted(at: "2026-03-05T08:00:00Z")
            let approved = try await engine.advance(.id(toApprove.id), "approve", as: "chen", at: Date(iso8601: "2026-03-11T10:00:00Z")!)
            #expect(awaiting.dueAt == Date(iso8601: "2026-03-24T14:30:00Z")!)
            #expect(approved.dueAt == Date(iso8601: "2026-04-10T10:00:00Z")!)

            // 2026-03-27T18:30Z is 3 days 4 hours after 03-24T14:30Z; the approved case is not due yet.
            let first = try await engine.runTimersWhenItIs(Date(iso8601: "2026-03-27T18:30:00Z")!)
            #expect(first.fired.isEmpty)
            #expect(first.overdue.map(\.record.id) == [awaiting.id])
            #expect(first.overdue.first?.lateBy == 3 * Self.day + 4 * 3600)
            #expect(first.overdue.first?.unmetGuards == nil)

            // 2026-04-12T10:00Z: awaiting is 19 days less 4h30m late (18d 19h 30m), approved exactly 2 days.
            let later = Date(iso8601: "2026-04-12T10:00:00Z")!
            let second = try await engine.runTimersWhenItIs(later)
            #expect(second.fired.isEmpty)
            #expect(second.overdue.map(\.record.id) == [awaiting.id, approved.id])
            #expect(second.overdue.map(\.lateBy) == [1_625_400, 172_800])
            #expect(awaiting.lateness(at: later) == 1_625_400)
            #expect(approved.lateness(at: Date(iso8601: "2026-04-10T10:00:00Z")!) == nil)
            #expect(try await engine.find(.id(awaiting.id)) == awaiting)
            #expect(try await engine.find(.id(approved.id)) == approved)
            #expect(try await engine.list(CaseQuery(overdueAt: later), as: "amina").count == 2)
        }
    }
}

extension Engine {
    /// A timer run at `now` by an engine whose clock says it is `now`: a run never measures deadlines ahead of its clock.
    func runTimersWhenItIs(_ now: Date) async throws -> TimerRun {
        try await Engine(registry: registry, store: store, sealing: .testing, clock: FixedClock(now)).runTimers(now: now)
    }
}
