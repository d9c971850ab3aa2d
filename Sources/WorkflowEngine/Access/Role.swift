/// What a user may do. A transition names the roles that may perform it.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case caseworker
    case approver
    case coordinator
    case manager
    /// Manages users and the database; does not bypass a transition's roles, and sees no personal or sensitive
    /// value unless it also holds `dataProtection`.
    case admin
    /// The data-protection officer: sees personal and sensitive values in every workflow (to answer a person's
    /// request, to audit access); takes no transition.
    case dataProtection = "data_protection"
    /// Timers only: fires the transitions that timers name. No user can hold it.
    case system

    /// Roles a person may be given (everything but `system`).
    public static let assignable: [Role] = allCases.filter { $0 != .system }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A registered user, as stored.
public struct User: Sendable, Hashable, Codable {
    public let name: String
    public let roles: [Role]
    public let createdAt: Date
    public let createdBy: String?
    /// Since when the user may do nothing at all (nil: enabled). Users are disabled, never deleted: the history
    /// names them.
    public let disabledAt: Date?

    public init(name: String, roles: [Role], createdAt: Date, createdBy: String?, disabledAt: Date? = nil) {
        self.name = name
        self.roles = Array(Set(roles)).sorted()
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.disabledAt = disabledAt
    }

    public var isEnabled: Bool { disabledAt == nil }

    /// The user as `change` leaves it: the one reading of a change, for the engine and the stores alike.
    public func applying(_ change: UserChange) -> User {
        let kept = roles.filter { !change.removed.contains($0) } + change.added.filter { !roles.contains($0) }
        let disabledAt: Date? = switch change.kind {
        case .disabled: change.at
        case .enabled: nil
        case .added, .roles: self.disabledAt
        }
        return User(name: name, roles: kept, createdAt: createdAt, createdBy: createdBy, disabledAt: disabledAt)
    }

    /// The built-in actor that timers act as.
    public static let systemName = "system"
    /// The system user itself: it exists implicitly, never in the users table.
    public static let system = User(name: systemName, roles: [.system], createdAt: Date(timeIntervalSince1970: 0), createdBy: nil)

    public func holds(_ role: Role) -> Bool { roles.contains(role) }
}

import Foundation

/// One change to a user, as recorded in its append-only log in the same transaction as the change: who made it,
/// when, what and why.
public struct UserChange: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case added, disabled, enabled, roles
    }

    public let user: String
    public let kind: Kind
    /// Who made it; nil only for the first user, whom anyone may add.
    public let actor: String?
    public let at: Date
    /// Roles given (an added user's roles), and roles taken away.
    public let added: [Role]
    public let removed: [Role]
    /// Why; every change but adding a user gives one.
    public let reason: String?

    public init(user: String, kind: Kind, actor: String?, at: Date, added: [Role] = [], removed: [Role] = [], reason: String?) {
        self.user = user
        self.kind = kind
        self.actor = actor
        self.at = at
        self.added = added.sorted()
        self.removed = removed.sorted()
        self.reason = reason
    }

    /// How a user's addition is recorded.
    public static func addition(of user: User) -> UserChange {
        UserChange(user: user.name, kind: .added, actor: user.createdBy, at: user.createdAt, added: user.roles, reason: nil)
    }
}
