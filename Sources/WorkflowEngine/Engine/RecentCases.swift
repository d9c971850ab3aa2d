import Foundation

/// What this engine last wrote of each case it touched, and the users it has found: a change decided on a remembered
/// case skips the read before its write.
///
/// Nothing here can make a write wrong. Every write is conditional on the version it was decided on, and on its user
/// being still enabled with the roles it was decided on (`CaseChange.actorRoles`): the engine decides again from a
/// fresh read whenever a remembered case has moved on, or a remembered user was disabled or changed roles. Nothing
/// but a write uses a remembered user: every read reads its user afresh.
final class RecentCases: @unchecked Sendable {
    struct Entry: Sendable {
        var record: CaseRecord
        /// Who made the latest event of each transition on the case, for four-eyes guards.
        var latestActors: [String: String]
    }

    /// Cases written within this many writes of others are remembered (`GenerationalCache`): the cases a process's
    /// clients are moving along, however many are in flight. At most two generations are held (about 2 KB a case),
    /// so a long-running server does not grow with the cases it has seen.
    static let generationSize = 1_000

    private let lock = NSLock()
    private var cases = GenerationalCache<UUID, Entry>(generationSize: generationSize)
    private var idsByReference = GenerationalCache<String, UUID>(generationSize: generationSize)
    private var users: [String: User] = [:]

    func entry(_ locator: CaseLocator) -> Entry? {
        lock.withLock {
            switch locator {
            case .id(let id): cases.value(id)
            case .reference(let reference): idsByReference.value(reference).flatMap { cases.value($0) }
            }
        }
    }

    func remember(_ record: CaseRecord, latestActors: [String: String]) {
        lock.withLock {
            cases.insert(Entry(record: record, latestActors: latestActors), for: record.id)
            idsByReference.insert(record.id, for: record.reference)
        }
    }

    func forget(_ id: UUID) {
        lock.withLock { cases.remove(id) }
    }

    func user(_ name: String) -> User? {
        lock.withLock { users[name] }
    }

    func remember(_ user: User) {
        lock.withLock { users[user.name] = user }
    }

    func forget(user name: String) {
        lock.withLock { _ = users.removeValue(forKey: name) }
    }
}
