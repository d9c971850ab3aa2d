import Foundation

extension Engine {
    /// Adds a user. The first user may be added by anyone and must be an admin; after that only admins add users.
    /// The store records the addition (who added, with which roles) in the same transaction.
    public func addUser(_ name: String, roles: [Role], as actorName: String?) async throws -> User {
        guard name.range(of: #"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"#, options: .regularExpression) != nil else {
            throw WorkflowError(.invalidData, "user name '\(name)' is not accepted: use 1 to 64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit")
        }
        if name == User.systemName || roles.contains(.system) {
            throw WorkflowError(.invalidData, "system is reserved for timers: no user can be called or act as system; roles: \(Self.assignableRoles)")
        }
        if roles.isEmpty {
            throw WorkflowError(.invalidData, "a user needs at least one --role: \(Self.assignableRoles)")
        }
        let user = User(name: name, roles: roles, createdAt: clock.now().storagePrecision, createdBy: actorName)
        if let actorName, let actor = try await store.user(named: actorName) {
            try Self.refuseIfDisabled(actor)
            try Self.requireAdmin(actor, to: "add users")
            try await store.addUser(user, onlyIfFirst: false)
            return user
        }
        guard roles.contains(.admin) else {
            if let actorName, !(try await store.users().isEmpty) {
                throw WorkflowError(.notFound, "no user \(actorName): act as an existing admin to add users")
            }
            throw WorkflowError(.invalidData, "the first user must hold the admin role, so that someone can add the others: add --role admin")
        }
        let firstUser = User(name: name, roles: roles, createdAt: user.createdAt, createdBy: nil)
        guard try await store.addUser(firstUser, onlyIfFirst: true) else {
            if let actorName { throw WorkflowError(.notFound, "no user \(actorName): act as an existing admin to add users") }
            throw WorkflowError(.usage, "users already exist: only an admin adds users; pass --actor NAME or set RSO_ACTOR")
        }
        return firstUser
    }

    /// Every registered user, by name. Anyone may list them, with or without a name: the list holds names, roles and
    /// whether each is enabled, and it is where a newcomer finds the name to act as. A name given must be a
    /// registered, enabled user's.
    public func users(as actorName: String?) async throws -> [User] {
        if let actorName { _ = try await resolve(actorName) }
        return try await store.users()
    }

    /// Disables a user: from their next command on, everything they ask is refused (69), reads included.
    public func disableUser(_ name: String, reason: String, as actorName: String) async throws -> User {
        try await changeUser(name, .disabled, reason: reason, as: actorName)
    }

    /// Enables a disabled user again.
    public func enableUser(_ name: String, reason: String, as actorName: String) async throws -> User {
        try await changeUser(name, .enabled, reason: reason, as: actorName)
    }

    /// Gives and takes away roles; they hold from the user's next command.
    public func changeRoles(_ name: String, adding: [Role], removing: [Role], reason: String, as actorName: String) async throws -> User {
        try await changeUser(name, .roles, adding: adding, removing: removing, reason: reason, as: actorName)
    }

    /// A user and every change made to them, oldest first. An admin may see any user; anyone may see themself.
    public func user(_ name: String, as actorName: String) async throws -> (User, [UserChange]) {
        let actor = try await resolve(actorName)
        if actor.name != name { try Self.requireAdmin(actor, to: "show other users' changes") }
        guard let user = try await store.user(named: name) else { throw Self.noUser(name) }
        return (user, try await store.userChanges(of: name))
    }

    /// Checks a change to a user, then has the store apply and record it in one transaction. Nothing is written when
    /// any check fails.
    private func changeUser(
        _ name: String, _ kind: UserChange.Kind, adding: [Role] = [], removing: [Role] = [], reason: String,
        as actorName: String
    ) async throws -> User {
        try InputText.check(reason: reason)
        if reason.allSatisfy(\.isWhitespace) {
            throw WorkflowError(.invalidData, "a change to a user needs --reason saying why (at most \(InputLimits.reason) characters)")
        }
        if kind == .roles {
            if adding.isEmpty && removing.isEmpty {
                throw WorkflowError(.usage, "say which roles change: --add ROLE and/or --remove ROLE; roles: \(Self.assignableRoles)")
            }
            if adding.contains(.system) || removing.contains(.system) {
                throw WorkflowError(.invalidData, "system is reserved for timers: no user can hold it; roles: \(Self.assignableRoles)")
            }
            if let both = adding.first(where: removing.contains) {
                throw WorkflowError(.usage, "\(both.rawValue) is both added and removed: name each role once")
            }
        }
        let actor = try await resolve(actorName)
        let verb = switch kind {
        case .disabled: "disable users"
        case .enabled: "enable users"
        case .roles, .added: "change users' roles"
        }
        try Self.requireAdmin(actor, to: verb)
        guard let user = try await store.user(named: name) else { throw Self.noUser(name) }
        switch kind {
        case .disabled where !user.isEnabled:
            throw WorkflowError(.notAllowed, "\(name) is already disabled since \(user.disabledAt?.iso8601 ?? "?"); nothing was written")
        case .enabled where user.isEnabled:
            throw WorkflowError(.notAllowed, "\(name) is already enabled; nothing was written")
        case .roles:
            let kept = user.roles.filter { !removing.contains($0) } + adding
            if kept.isEmpty {
                throw WorkflowError(.invalidData, "\(name) would hold no role: a user keeps at least one (disable a user who should do nothing: rsoctl users disable)")
            }
        default:
            break
        }
        // Only what actually changes is recorded: adding a role held, or removing one not held, is no change.
        let change = UserChange(
            user: name, kind: kind, actor: actor.name, at: clock.now().storagePrecision,
            added: adding.filter { !user.roles.contains($0) }, removed: removing.filter(user.roles.contains), reason: reason)
        if kind == .roles, change.added.isEmpty, change.removed.isEmpty {
            throw WorkflowError(.notAllowed, "\(name) already has exactly those roles (\(user.roles.map(\.rawValue).joined(separator: ", "))); nothing was written")
        }
        do {
            try await store.changeUser(change, from: user)
        } catch StoreSignal.noEnabledAdminLeft {
            throw WorkflowError(.notAllowed, "\(name) is the last enabled admin: this change would leave no one to manage users; add or enable another admin first; nothing was written")
        } catch StoreSignal.versionConflict {
            throw WorkflowError(.conflict, "\(name) was changed by someone else while this request was being made; nothing was written: rsoctl users show \(name), then retry")
        }
        return user.applying(change)
    }

    /// A disabled user may do nothing at all, reads included.
    static func refuseIfDisabled(_ user: User) throws(WorkflowError) {
        if let since = user.disabledAt {
            throw WorkflowError(.forbidden, "user \(user.name) is disabled since \(since.iso8601); an admin can enable it with rsoctl users enable \(user.name) --reason TEXT")
        }
    }

    private static func requireAdmin(_ actor: User, to action: String) throws(WorkflowError) {
        guard actor.holds(.admin) else {
            throw WorkflowError(.forbidden, "\(actor.name) may not \(action): only an admin may; \(actor.name) has: \(actor.roles.map(\.rawValue).joined(separator: ", "))")
        }
    }

    private static func noUser(_ name: String) -> WorkflowError {
        WorkflowError(.notFound, "no user \(name): rsoctl users list shows the users")
    }

    static var assignableRoles: String { Role.assignable.map(\.rawValue).joined(separator: ", ") }
}
