import Crypto
import Foundation

/// Random bytes for case keys and nonces, read from the operating system's generator (/dev/urandom) 4 KiB at a time.
///
/// Why not one call per key: swift-crypto fills a key or nonce through the standard library's generator, one
/// getrandom system call per 8 bytes, so each imported case (a key, and a nonce for it and for each value) cost about
/// ten system calls, more than its AES. The bytes are the kernel's all the same; each is handed out once and wiped
/// from the pool as it goes.
final class RandomBytes: @unchecked Sendable {
    static let shared = RandomBytes()

    private static let poolSize = 4_096
    private let lock = NSLock()
    private var pool = [UInt8](repeating: 0, count: RandomBytes.poolSize)
    private var next = RandomBytes.poolSize
    private let source: Int32 = open("/dev/urandom", O_RDONLY | O_CLOEXEC)

    /// `count` fresh random bytes (at most the pool's size).
    func take(_ count: Int) -> [UInt8] {
        precondition(count > 0 && count <= Self.poolSize)
        return lock.withLock {
            if next + count > Self.poolSize { refill() }
            let range = next..<(next + count)
            let taken = Array(pool[range])
            pool.replaceSubrange(range, with: repeatElement(0, count: count))
            next += count
            return taken
        }
    }

    /// A new AES-256 key.
    func key() -> SymmetricKey { SymmetricKey(data: take(32)) }

    /// A new AES-GCM nonce.
    func nonce() -> AES.GCM.Nonce {
        // 12 bytes is the size AES.GCM.Nonce requires: it cannot refuse them.
        try! AES.GCM.Nonce(data: take(12))
    }

    private func refill() {
        var filled = 0
        if source >= 0 {
            pool.withUnsafeMutableBytes { buffer in
                while filled < Self.poolSize {
                    let got = read(source, buffer.baseAddress! + filled, Self.poolSize - filled)
                    if got > 0 { filled += got } else if got < 0 && errno == EINTR { continue } else { break }
                }
            }
        }
        if filled < Self.poolSize {
            // No /dev/urandom (a chroot): swift-crypto's generator, a system call per 8 bytes.
            let fresh = SymmetricKey(size: SymmetricKeySize(bitCount: Self.poolSize * 8)).withUnsafeBytes { Array($0) }
            pool = fresh
        }
        next = 0
    }
}
