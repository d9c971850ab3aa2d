import Foundation

extension Engine {
    /// Adds a user. The first user may be added by anyone and must be an admin; after that only admins add users.
    public func addUser(_ name: String, roles: [Role], as actorName: String?) async throws -> User {
        guard name.range(of: #"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"#, options: .regularExpression) != nil else {
            throw WorkflowError(.invalidData, "user name '\(name)' is not accepted: use 1 to 64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit")
        }
        if name == User.systemName || roles.contains(.system) {
            throw WorkflowError(.invalidData, "system is reserved for timers: no user can be called or act as system; roles: \(Role.assignable.map(\.rawValue).joined(separator: ", "))")
        }
        if roles.isEmpty {
            throw WorkflowError(.invalidData, "a user needs at least one --role: \(Role.assignable.map(\.rawValue).joined(separator: ", "))")
        }
        let user = User(name: name, roles: roles, createdAt: clock.now().storagePrecision, createdBy: actorName)
        if let actorName, let actor = try await store.user(named: actorName) {
            guard actor.holds(.admin) else {
                throw WorkflowError(.forbidden, "\(actorName) may not add users: only an admin may; \(actorName) has: \(actor.roles.map(\.rawValue).joined(separator: ", "))")
            }
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

    /// Every registered user, by name. Any registered user may list them.
    public func users(as actorName: String) async throws -> [User] {
        _ = try await resolve(actorName)
        return try await store.users()
    }
}
