import WorkflowEngine

/// A user as `users list`, `add`, `disable`, `enable` and `roles` print it (docs/cli.md).
public struct UserView: Encodable, Sendable {
    public let name: String
    public let roles: [String]
    public let enabled: Bool
    public let disabledAt: String?
    public let createdAt: String
    public let createdBy: String?

    public init(_ user: User) {
        name = user.name
        roles = user.roles.map(\.rawValue)
        enabled = user.isEnabled
        disabledAt = user.disabledAt?.iso8601
        createdAt = user.createdAt.iso8601
        createdBy = user.createdBy
    }

    /// Every key always present (null when empty), so that the shape stays the same.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(roles, forKey: .roles)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(disabledAt, forKey: .disabledAt)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(createdBy, forKey: .createdBy)
    }

    enum CodingKeys: String, CodingKey { case name, roles, enabled, disabledAt, createdAt, createdBy }
}

/// `users show --format json`: `{"user": <user>, "changes": [<change>...]}`, oldest change first.
public struct UserDetailView: Encodable, Sendable {
    public let user: UserView
    public let changes: [UserChangeView]

    public init(user: UserView, changes: [UserChangeView]) {
        self.user = user
        self.changes = changes
    }
}

/// One recorded change to a user: `{"at", "by", "change", "rolesAdded", "rolesRemoved", "reason"}`.
public struct UserChangeView: Encodable, Sendable {
    public let at: String
    public let by: String?
    public let change: String
    public let rolesAdded: [String]
    public let rolesRemoved: [String]
    public let reason: String?

    public init(_ change: UserChange) {
        at = change.at.iso8601
        by = change.actor
        self.change = change.kind.rawValue
        rolesAdded = change.added.map(\.rawValue)
        rolesRemoved = change.removed.map(\.rawValue)
        reason = change.reason
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(at, forKey: .at)
        try c.encode(by, forKey: .by)
        try c.encode(change, forKey: .change)
        try c.encode(rolesAdded, forKey: .rolesAdded)
        try c.encode(rolesRemoved, forKey: .rolesRemoved)
        try c.encode(reason, forKey: .reason)
    }

    enum CodingKeys: String, CodingKey { case at, by, change, rolesAdded, rolesRemoved, reason }
}
