import AVRR
import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import PostgresBackend
@testable import WorkflowEngine
import WorkflowTestSupport

/// A request waits for the pool once. A change the engine must read before deciding (a case it has not written, a
/// keyed request) reads and writes on one connection: leasing one for the read and another for the write made such a
/// request queue behind every other request twice, and `scripts/bench http` measured its latency at twice the others'.
/// And a pool opened from a task on one of NIO's event loops (as `rsoctl serve` runs its tasks) spreads its
/// connections over all the loops, so that one thread does not do every request's work while the others idle.
@Suite("Waiting for the pool")
struct PoolWaitTests {
    static let opening: FieldValues = [
        "full_name": .string("Test Person"), "host_country": .string("THA"), "category": .string("irregular_migrant"),
    ]

    @Test
    func aChangeDecidedOnAFreshReadLeasesOneConnection() async throws {
        try await Backend.postgres.withFreshStore { (store, _) async throws in
            let postgres = try #require(store as? PostgresStore)
            let registry = try WorkflowRegistry(modules: [AVRRModule()])
            let writer = Engine(registry: registry, store: store, sealing: .testing)
            _ = try await writer.addUser("root", roles: [.admin], as: nil)
            _ = try await writer.addUser("amina", roles: [.caseworker], as: "root")
            // A second engine remembers nothing: its every change is decided on a fresh read.
            let fresh = Engine(registry: registry, store: store, sealing: .testing)

            var before = postgres.leases.taken
            let opened = try await fresh.open("avrr", fields: Self.opening, as: "amina")
            #expect(postgres.leases.taken - before == 1, "open: the user and key read, then the insert")

            let other = Engine(registry: registry, store: store, sealing: .testing)
            before = postgres.leases.taken
            let advanced = try await other.advance(.id(opened.id), "start_counselling", as: "amina")
            #expect(advanced.state == "counselling")
            #expect(postgres.leases.taken - before == 1, "advance: the case read, then the write")

            before = postgres.leases.taken
            _ = try await Engine(registry: registry, store: store, sealing: .testing)
                .update(.id(opened.id), fields: ["nationality": .string("MMR")], reason: "confirmed", as: "amina", idempotencyKey: "k-1")
            #expect(postgres.leases.taken - before == 1, "a keyed update: the key, the case, then the write")
        }
    }

    /// `EventLoopGroup.any()` called on one of the group's loops answers that loop: the pool, which makes its
    /// connections on `any()`, put them all on the loop its task ran on. The store's group hands the loops out in turn.
    @Test
    func connectionsMadeFromAnEventLoopGoToEveryLoopInTurn() async throws {
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        try #require(loops.count >= 2, "NIO's shared group has \(loops.count) loop(s) on this machine: nothing to spread")
        let spread = SpreadEventLoops()
        let (shared, handedOut) = try await loops[0].submit {
            let shared = (0..<loops.count).map { _ in ObjectIdentifier(MultiThreadedEventLoopGroup.singleton.any()) }
            let handedOut = (0..<loops.count).map { _ in ObjectIdentifier(spread.any()) }
            return (Set(shared), Set(handedOut))
        }.get()
        #expect(shared == [ObjectIdentifier(loops[0])], "NIO's own any() on a loop answers that loop")
        #expect(handedOut == Set(loops.map { ObjectIdentifier($0) }), "the store's group hands out every loop")
    }
}
