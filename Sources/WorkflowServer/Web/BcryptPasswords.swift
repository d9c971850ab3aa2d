import HummingbirdBcrypt
import NIOPosix
import WorkflowEngine

/// Passwords hashed with bcrypt (HummingbirdBcrypt), on NIO's pool of threads for blocking work: a hash at cost 12
/// takes about a quarter of a second, which must hold up neither an event loop nor Swift's own threads.
public struct BcryptPasswords: PasswordHasher {
    /// bcrypt's work factor: 2^cost rounds. The stored hash carries it, so raising it later still checks old hashes.
    public let cost: UInt8

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// With no hash, the password is hashed anyway (the work a check does) and the answer is false.
    public func verify(_ password: String, against hash: String?) async throws -> Bool {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive {
            guard let hash else {
                _ = Bcrypt.hash(password, cost: cost)
                return false
            }
            return Bcrypt.verify(password, hash: hash)
        }
    }
}
