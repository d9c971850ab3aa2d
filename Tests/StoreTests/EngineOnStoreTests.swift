import AVRR
import Foundation
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine
import WorkflowTestSupport

/// The engine's guarantees, end to end on each real store, with the AVRR workflow.
@Suite("Engine on a real store")
struct EngineOnStoreTests {
    static let now = Date(timeIntervalSince1970: 1_782_000_000)  // 2026-06

    static func withStaff<T: Sendable>(_ backend: Backend, _ body: @Sendable (Engine) async throws -> T) async throws -> T {
        try await backend.withFreshStore { (store, _) async throws in
            let engine = Engine(registry: try WorkflowRegistry(modules: [AVRRModule()]), store: store, sealing: .testing, clock: FixedClock(now))
            _ = try await engine.addUser("root", roles: [.admin], as: nil)
            _ = try await engine.addUser("amina", roles: [.caseworker], as: "root")
            _ = try await engine.addUser("budi", roles: [.caseworker], as: "root")
            _ = try await engine.addUser("chen", roles: [.approver], as: "root")
            return try await body(engine)
        }
    }

    static let opening: FieldValues = [
        "full_name": .string("Test Person"), "host_country": .string("THA"), "category": .string("irregular_migrant"),
    ]

    static let submission: FieldValues = [
        "consent_signed_on": .string("2026-05-01"), "destination_country": .string("LKA"), "travel_document": .string("valid"),
    ]

    @Test(arguments: Backend.allCases)
    func aCaseGoesFromRegistrationToClosed(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { engine in
            let opened = try await engine.open("avrr", fields: Self.opening, as: "amina")
            let ref = CaseLocator.reference(opened.reference)
            _ = try await engine.advance(ref, "start_counselling", as: "amina")
            _ = try await engine.advance(ref, "submit", fields: Self.submission, as: "amina")
            _ = try await engine.advance(ref, "approve", as: "chen")
            _ = try await engine.advance(ref, "arrange_travel", fields: ["departure_date": .string("2026-06-10"), "exit_clearance": .string("granted")], as: "amina")
            _ = try await engine.advance(ref, "confirm_return", fields: ["arrival_date": .string("2026-06-11")], as: "amina")
            let closed = try await engine.advance(ref, "close", as: "budi")
            #expect(closed.state == "closed")
            #expect(closed.version == 7)
            let (_, events) = try await engine.history(ref, as: "chen")
            #expect(events.map(\.transition) == [nil, "start_counselling", "submit", "approve", "arrange_travel", "confirm_return", "close"])
            #expect(events.last?.actor == "budi" && events.last?.role == .caseworker)
        }
    }

    @Test(arguments: Backend.allCases)
    func everyRefusalLeavesTheHistoryUnchanged(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { engine in
            let opened = try await engine.open("avrr", fields: Self.opening, as: "amina")
            let ref = CaseLocator.reference(opened.reference)
            _ = try await engine.advance(ref, "start_counselling", as: "amina")
            let refusals: [(WorkflowError.Code, @Sendable () async throws -> Void)] = [
                (.invalidData, { _ = try await engine.update(ref, fields: ["favourite_colour": .string("red")], as: "amina") }),
                (.invalidData, { _ = try await engine.update(ref, fields: ["nationality": .string("Thailand")], as: "amina") }),
                (.notFound, { _ = try await engine.advance(.reference("AVRR-2026-999999"), "submit", as: "amina") }),
                (.notAllowed, { _ = try await engine.advance(ref, "approve", as: "chen") }),
                (.forbidden, { _ = try await engine.advance(ref, "submit", fields: Self.submission, as: "chen") }),
                (.guardFailed, { _ = try await engine.advance(ref, "submit", as: "amina") }),
                (.conflict, { _ = try await engine.advance(ref, "submit", fields: Self.submission, as: "amina", expectedVersion: 1) }),
                (.notFound, { _ = try await engine.advance(ref, "submit", fields: Self.submission, as: "nobody") }),
                (.forbidden, { _ = try await engine.advance(ref, "withdraw", reason: "x", as: User.systemName) }),
                (.invalidData, { _ = try await engine.advance(ref, "hold", reason: "x", as: "amina", at: Date(timeIntervalSince1970: 0)) }),
            ]
            for (code, attempt) in refusals {
                await #expect(throws: WorkflowError.self) { try await attempt() }
                do { try await attempt() } catch let error as WorkflowError { #expect(error.code == code, "\(error)") }
            }
            let (record, events) = try await engine.history(ref, as: "amina")
            #expect(record.version == 2 && record.state == "counselling")
            #expect(events.count == 2)
        }
    }

    @Test(arguments: Backend.allCases)
    func unmetGuardsAreReportedTogether(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { engine in
            let opened = try await engine.open("avrr", fields: Self.opening.merging(["category": .string("refugee")]) { $1 }, as: "amina")
            _ = try await engine.advance(.id(opened.id), "start_counselling", as: "amina")
            do {
                _ = try await engine.advance(.id(opened.id), "submit", as: "amina")
                Issue.record("submit without its fields must be refused")
            } catch let error as WorkflowError {
                #expect(error.code == .guardFailed)
                #expect(error.details.count == 4)
                #expect(error.details.contains("consent_signed_on set"))
                #expect(error.details.contains { $0.contains("unhcr_clearance") })
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func aRetriedIdempotencyKeyAppliesOnceAndAReusedOneIsRefused(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { engine in
            let first = try await engine.open("avrr", fields: Self.opening, as: "amina", idempotencyKey: "open-1")
            let retried = try await engine.open("avrr", fields: Self.opening, as: "amina", idempotencyKey: "open-1")
            #expect(retried.id == first.id)
            let moved = try await engine.advance(.id(first.id), "start_counselling", as: "amina", idempotencyKey: "adv-1")
            let again = try await engine.advance(.id(first.id), "start_counselling", as: "amina", idempotencyKey: "adv-1")
            #expect(again.version == moved.version)
            await #expect(throws: WorkflowError(.invalidData, "")) { () async throws -> Void in
                do {
                    _ = try await engine.advance(.id(first.id), "refer", reason: "other", as: "amina", idempotencyKey: "adv-1")
                } catch let error as WorkflowError { throw WorkflowError(error.code, "") }
            }
            #expect(try await engine.list(CaseQuery(), as: "amina").count == 1)
            #expect(try await engine.history(.id(first.id), as: "amina").1.count == 2)
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentAdvancesOfOneCaseLetExactlyOneWin(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { engine in
            let opened = try await engine.open("avrr", fields: Self.opening, as: "amina")
            let outcomes = await withTaskGroup(of: WorkflowError.Code?.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        do {
                            _ = try await engine.advance(.id(opened.id), "start_counselling", as: "amina")
                            return nil
                        } catch let error as WorkflowError {
                            return error.code
                        } catch {
                            return .unavailable
                        }
                    }
                }
                return await group.reduce(into: [WorkflowError.Code?]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == nil }.count == 1)
            #expect(outcomes.compactMap { $0 }.allSatisfy { $0 == .conflict || $0 == .notAllowed })
            #expect(try await engine.history(.id(opened.id), as: "amina").1.count == 2)
        }
    }
}
