import Crypto
import Foundation
import Testing
@testable import WorkflowEngine

/// Case keys and nonces come from the operating system's generator through a pool (`RandomBytes`): every draw is
/// fresh, across refills of the pool.
@Suite("Random bytes for keys and nonces")
struct RandomBytesTests {
    @Test func drawsAcrossManyRefillsAreAllDifferentAndCoverEveryByteValue() {
        let pool = RandomBytes()
        // 3,000 nonces and 500 keys: 52,000 bytes, the pool refilled a dozen times.
        let nonces = (0..<3_000).map { _ in pool.take(12) }
        let keys = (0..<500).map { _ in pool.take(32) }
        #expect(Set(nonces).count == 3_000)
        #expect(Set(keys).count == 500)
        var seen = Set<UInt8>()
        for draw in nonces + keys { seen.formUnion(draw) }
        #expect(seen.count == 256)
    }

    @Test func aKeyAndANonceHaveTheSizesAESGCMUses() {
        let pool = RandomBytes()
        #expect(pool.key().bitCount == 256)
        #expect(Array(pool.nonce()).count == 12)
    }
}
