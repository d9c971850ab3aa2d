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

    /// Enough for any one process's working set; past it, everything is forgotten at once.
    static let capacity = 10_000

    private let lock = NSLock()
    private var cases: [UUID: Entry] = [:]
    private var idsByReference: [String: UUID] = [:]
    private var users: [String: User] = [:]

    func entry(_ locator: CaseLocator) -> Entry? {
        lock.withLock {
            switch locator {
            case .id(let id): return cases[id]
            case .reference(let reference): return idsByReference[reference].flatMap { cases[$0] }
            }
        }
    }

    func remember(_ record: CaseRecord, latestActors: [String: String]) {
        lock.withLock {
            if cases.count >= Self.capacity {
                cases.removeAll(keepingCapacity: true)
                idsByReference.removeAll(keepingCapacity: true)
            }
            cases[record.id] = Entry(record: record, latestActors: latestActors)
            idsByReference[record.reference] = record.id
        }
    }

    func forget(_ id: UUID) {
        lock.withLock { _ = cases.removeValue(forKey: id) }
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
