import Foundation
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine

/// Claiming due cases: leases that keep parallel timer runs from doing the same work.
@Suite("Timer claims on a real store")
struct TimerStoreTests {
    static let t0 = Sample.t0
    static let hour: TimeInterval = 3600
    static let monitoring = [TimerTarget(workflow: "avrr", state: "monitoring")]

    /// Inserts an AVRR case standing in `state`, due at `dueAt`.
    static func dueCase(_ store: any CaseStore, state: String = "monitoring", dueAt: Date?) async throws -> CaseRecord {
        var new = Sample.newCase()
        new.record.state = state
        new.record.dueAt = dueAt
        new.event.to = state
        return try await store.insert(new)
    }

    @Test(arguments: Backend.allCases)
    func concurrentClaimersGetDisjointSetsAndTogetherEveryDueCase(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            var due: Set<UUID> = []
            for index in 0..<30 {
                due.insert(try await Self.dueCase(store, dueAt: Self.t0.addingTimeInterval(Double(index) * 60)).id)
            }
            let later = try await Self.dueCase(store, dueAt: Self.t0.addingTimeInterval(30 * 86_400))
            let claims = try await withThrowingTaskGroup(of: [UUID].self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await store.claimDueCases(in: Self.monitoring, dueBy: Self.t0.addingTimeInterval(86_400),
                                                      leasedAt: Self.t0, leaseUntil: Self.t0 + Self.hour, limit: 7).map(\.id)
                    }
                }
                return try await group.reduce(into: [[UUID]]()) { $0.append($1) }
            }
            let all = claims.flatMap { $0 }
            #expect(all.count == Set(all).count, "a case was claimed twice: \(claims.map(\.count))")
            #expect(Set(all).isSubset(of: due))
            #expect(!all.contains(later.id))
            // Whatever the racing claimers left (they may skip locked rows), one more claim takes: nothing is lost.
            let rest = try await store.claimDueCases(in: Self.monitoring, dueBy: Self.t0.addingTimeInterval(86_400),
                                                     leasedAt: Self.t0, leaseUntil: Self.t0 + Self.hour, limit: 100)
            #expect(Set(all).union(rest.map(\.id)) == due)
            #expect(Set(all).isDisjoint(with: rest.map(\.id)))
        }
    }

    @Test(arguments: Backend.allCases)
    func aClaimedCaseIsNotClaimedAgainBeforeItsLeaseEnds(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let record = try await Self.dueCase(store, dueAt: Self.t0)
            let lease = Self.t0 + 5 * 60
            func claim(at wall: Date) async throws -> [UUID] {
                try await store.claimDueCases(in: Self.monitoring, dueBy: Self.t0, leasedAt: wall,
                                              leaseUntil: wall + 5 * 60, limit: 10).map(\.id)
            }
            #expect(try await claim(at: Self.t0) == [record.id])
            #expect(try await claim(at: Self.t0 + 1).isEmpty)
            #expect(try await claim(at: lease - 1).isEmpty)
            // Another runner's lease is never released by a release naming a different lease.
            try await store.releaseTimerClaims(of: [record.id], leaseUntil: lease + 1)
            #expect(try await claim(at: lease - 1).isEmpty)
            // Once the lease has ended, the case is claimable again (its runner may have died).
            #expect(try await claim(at: lease) == [record.id])
            // Released by its holder, it is claimable at once.
            try await store.releaseTimerClaims(of: [record.id], leaseUntil: lease + 5 * 60)
            #expect(try await claim(at: lease + 1) == [record.id])
        }
    }

    @Test(arguments: Backend.allCases)
    func aCaseNotYetDueOrNotWatchedIsNeverClaimed(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let tomorrow = try await Self.dueCase(store, dueAt: Self.t0 + 86_400)
            _ = try await Self.dueCase(store, dueAt: nil)
            _ = try await Self.dueCase(store, state: "awaiting_approval", dueAt: Self.t0 - 86_400)
            func claim(dueBy: Date) async throws -> [UUID] {
                try await store.claimDueCases(in: Self.monitoring, dueBy: dueBy, leasedAt: Self.t0,
                                              leaseUntil: Self.t0 + Self.hour, limit: 10).map(\.id)
            }
            #expect(try await claim(dueBy: Self.t0).isEmpty)
            #expect(try await claim(dueBy: Self.t0 + 86_400 - 0.001).isEmpty)
            #expect(try await store.claimDueCases(in: [], dueBy: Self.t0 + 86_400, leasedAt: Self.t0,
                                                  leaseUntil: Self.t0 + Self.hour, limit: 10).isEmpty)
            // Due means at or after the deadline.
            #expect(try await claim(dueBy: Self.t0 + 86_400) == [tomorrow.id])
        }
    }

    @Test(arguments: Backend.allCases)
    func claimsTakeTheEarliestDueFirstAndReturnTheCaseAsStored(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let third = try await Self.dueCase(store, dueAt: Self.t0 - 1 * Self.hour)
            let first = try await Self.dueCase(store, dueAt: Self.t0 - 3 * Self.hour)
            let second = try await Self.dueCase(store, dueAt: Self.t0 - 2 * Self.hour)
            let claimed = try await store.claimDueCases(in: Self.monitoring, dueBy: Self.t0, leasedAt: Self.t0,
                                                        leaseUntil: Self.t0 + Self.hour, limit: 2)
            #expect(claimed.map(\.id) == [first.id, second.id])
            #expect(claimed.first == first)
            let rest = try await store.claimDueCases(in: Self.monitoring, dueBy: Self.t0, leasedAt: Self.t0,
                                                     leaseUntil: Self.t0 + Self.hour, limit: 2)
            #expect(rest.map(\.id) == [third.id])
        }
    }
}
