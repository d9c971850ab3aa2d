import ArgumentParser
import Foundation
import WorkflowEngine
import WorkflowServer
import WorkflowViews

/// `rsoctl users …`: who may act, in which roles; admins change users, and every change is recorded.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Add, list, disable, enable and change users; show a user's changes; issue and revoke API tokens.",
        subcommands: [Add.self, List.self, Show.self, Disable.self, Enable.self, Roles.self, Password.self, Token.self, Tokens.self, Revoke.self])

    /// Role names as typed (repeated or comma-separated); an unknown one is 64, naming the roles a person may hold.
    static func roles(_ names: [String]) throws -> [Role] {
        try names.flatMap { $0.split(separator: ",") }.map { name in
            guard let role = Role(rawValue: String(name)), role != .system else {
                throw WorkflowError(.usage, "unknown role \(name); roles: \(Role.assignable.map(\.rawValue).joined(separator: ", "))")
            }
            return role
        }
    }

    static let roleHelp = "Roles: \(Role.assignable.map(\.rawValue).joined(separator: ", ")) (repeat or comma-separate)."

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user. The first user (an admin) may be added by anyone; then only admins add users.")
        @Argument(help: "The user's name.") var name: String
        @Option(name: .customLong("role"), parsing: .upToNextOption, help: ArgumentHelp(UsersCommand.roleHelp))
        var roleNames: [String] = []
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let roles = try UsersCommand.roles(roleNames)
            let user = try await global.withEngine { try await $0.addUser(name, roles: roles, as: global.optionalActor) }
            let view = UserView(user)
            Output.print(output.format, json: view, table: UserView.table([view]))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users, their roles and whether each is enabled.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = global.optionalActor  // no actor needed: this is where a newcomer finds one
            let users = try await global.withEngine { try await $0.users(as: actor) }
            let views = users.map(UserView.init)
            Output.print(output.format, json: ["users": views], table: UserView.table(views))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a user: roles, enabled or disabled, and every change made to them (who, when, what, why).",
            discussion: "An admin may show any user; anyone may show themself.")
        @Argument(help: "The user's name.") var name: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let (user, changes) = try await global.withEngine { try await $0.user(name, as: actor) }
            let detail = UserDetailView(user: UserView(user), changes: changes.map(UserChangeView.init))
            if output.format == .table { Output.print(.table, json: detail, table: UserView.table([detail.user])) }
            Output.print(output.format, json: detail, table: UserChangeView.table(detail.changes))
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a user (admins only): every command they give is refused from then on, reads included.")
        @Argument(help: "The user's name.") var name: String
        @Option(help: "Why (required; at most 2,000 characters).") var reason: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let user = try await global.withEngine { try await $0.disableUser(name, reason: reason, as: actor) }
            Output.print(output.format, json: UserView(user), table: UserView.table([UserView(user)]))
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled user again (admins only).")
        @Argument(help: "The user's name.") var name: String
        @Option(help: "Why (required; at most 2,000 characters).") var reason: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let user = try await global.withEngine { try await $0.enableUser(name, reason: reason, as: actor) }
            Output.print(output.format, json: UserView(user), table: UserView.table([UserView(user)]))
        }
    }

    struct Roles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give or take away roles (admins only); they hold from the user's next command.")
        @Argument(help: "The user's name.") var name: String
        @Option(name: .customLong("add"), parsing: .singleValue, help: ArgumentHelp("A role to give. \(UsersCommand.roleHelp)"))
        var added: [String] = []
        @Option(name: .customLong("remove"), parsing: .singleValue, help: ArgumentHelp("A role to take away. \(UsersCommand.roleHelp)"))
        var removed: [String] = []
        @Option(help: "Why (required; at most 2,000 characters).") var reason: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let adding = try UsersCommand.roles(added), removing = try UsersCommand.roles(removed)
            let user = try await global.withEngine {
                try await $0.changeRoles(name, adding: adding, removing: removing, reason: reason, as: actor)
            }
            Output.print(output.format, json: UserView(user), table: UserView.table([UserView(user)]))
        }
    }
}

extension UsersCommand {
    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's password for the web pages, read from standard input (one line; never an argument).",
            discussion: "An admin may set anyone's; anyone may set their own. 12 to 72 bytes of UTF-8, no control characters. Only a bcrypt hash is kept; setting a password also clears failed sign-ins and a lockout. At a terminal the typing is not shown.")
        @Argument(help: "The user's name.") var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let actor = try global.actorName()
            let password = try PasswordInput.readLine()
            try await global.withEngine { try await $0.setPassword(for: name, to: password, as: actor, hasher: BcryptPasswords()) }
            Output.note("rsoctl: password set for \(name)")
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue an API token for a user; it is printed once, and only its hash is kept.",
            discussion: "An admin may issue tokens for anyone; anyone may for themself. The token acts as its user, with the user's roles at each request; a disabled user's tokens are refused.")
        @Argument(help: "The user's name.") var name: String
        @Option(help: "How long the token lives: hours or days, 1h to 366d.") var expires = "90d"
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let lifetime = try TokenLifetime.parse(expires)
            let actor = try global.actorName()
            let issued = try await global.withEngine { try await $0.issueToken(for: name, lifetime: lifetime, as: actor) }
            let view = IssuedTokenView(id: issued.token.id, token: issued.text, expires: issued.token.expiresAt.iso8601)
            if output.format == .table {
                Output.note("rsoctl: token \(view.id) for \(issued.token.user), expires \(view.expires); it is shown this once: store it now")
                Output.writeStdout(Data((issued.text + "\n").utf8))
            } else {
                Output.print(.json, json: view, table: Table(columns: [], rows: []))
            }
        }
    }

    struct Tokens: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a user's API tokens (never their text), newest first.",
            discussion: "An admin may list anyone's; anyone may list their own.")
        @Argument(help: "The user's name.") var name: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let (tokens, now) = try await global.withEngine { (try await $0.tokens(of: name, as: actor), $0.clock.now()) }
            let views = tokens.map { TokenView($0, at: now) }
            Output.print(output.format, json: ["tokens": views], table: TokenView.table(views))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API token by its id: from now on it is refused.",
            discussion: "An admin may revoke any token; anyone may revoke their own.")
        @Argument(help: "The token's id (tok_…, as users tokens lists it).") var tokenID: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let (token, now) = try await global.withEngine { (try await $0.revokeToken(tokenID, as: actor), $0.clock.now()) }
            let view = TokenView(token, at: now)
            Output.print(output.format, json: view, table: TokenView.table([view]))
        }
    }
}

/// `users token --format json`: `{"id", "token", "expires"}`, the only time the token's text is shown.
struct IssuedTokenView: Encodable {
    let id: String
    let token: String
    let expires: String
}

/// A token as `users tokens` and `users revoke` print it: never its text.
struct TokenView: Encodable {
    let id: String
    let user: String
    let state: String
    let createdAt: String
    let createdBy: String
    let expiresAt: String
    let revokedAt: String?
    let revokedBy: String?

    init(_ token: APIToken, at now: Date) {
        id = token.id
        user = token.user
        state = token.state(at: now)
        createdAt = token.createdAt.iso8601
        createdBy = token.createdBy
        expiresAt = token.expiresAt.iso8601
        revokedAt = token.revokedAt?.iso8601
        revokedBy = token.revokedBy
    }

    /// Every key always present (null when empty), so that the shape stays the same.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(user, forKey: .user)
        try c.encode(state, forKey: .state)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(createdBy, forKey: .createdBy)
        try c.encode(expiresAt, forKey: .expiresAt)
        try c.encode(revokedAt, forKey: .revokedAt)
        try c.encode(revokedBy, forKey: .revokedBy)
    }

    enum CodingKeys: String, CodingKey { case id, user, state, createdAt, createdBy, expiresAt, revokedAt, revokedBy }

    static func table(_ rows: [TokenView]) -> Table {
        Table(columns: ["id", "user", "state", "created", "by", "expires", "revoked"],
              rows: rows.map { row in
                  [row.id, row.user, row.state, row.createdAt, row.createdBy, row.expiresAt,
                   row.revokedAt.map { "\($0) by \(row.revokedBy ?? "?")" } ?? ""]
              })
    }
}

extension UserView {
    static func table(_ rows: [UserView]) -> Table {
        Table(columns: ["name", "roles", "enabled", "created", "by"],
              rows: rows.map { [$0.name, $0.roles.joined(separator: ","), $0.disabledAt.map { "no, disabled since \($0)" } ?? "yes",
                                $0.createdAt, $0.createdBy ?? ""] })
    }
}

extension UserChangeView {
    static func table(_ rows: [UserChangeView]) -> Table {
        Table(columns: ["at", "by", "change", "roles", "reason"], rows: rows.map { row in
            let roles = row.rolesAdded.map { "+" + $0 } + row.rolesRemoved.map { "-" + $0 }
            return [row.at, row.by ?? "(first user)", row.change, roles.joined(separator: " "), row.reason ?? ""]
        })
    }
}
