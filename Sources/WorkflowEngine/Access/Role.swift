/// What a user may do. A transition names the roles that may perform it.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case caseworker
    case approver
    case coordinator
    case manager
    /// Manages users and the database; does not bypass a transition's roles.
    case admin
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

    public init(name: String, roles: [Role], createdAt: Date, createdBy: String?) {
        self.name = name
        self.roles = roles.sorted()
        self.createdAt = createdAt
        self.createdBy = createdBy
    }

    /// The built-in actor that timers act as.
    public static let systemName = "system"

    public func holds(_ role: Role) -> Bool { roles.contains(role) }
}

import Foundation
