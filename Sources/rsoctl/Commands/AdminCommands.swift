import ArgumentParser
import Foundation
import WorkflowEngine

/// `rsoctl db …`: schema migrations.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Create or upgrade the database schema.", subcommands: [Migrate.self, Status.self])

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending migrations (safe to re-run).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let applied = try await global.withEngine { try await $0.store.migrate() }
            Output.note(applied.isEmpty ? "rsoctl: schema is up to date" : "rsoctl: applied \(applied.count) migration(s)")
            let rows = applied.map { MigrationView($0) }
            Output.print(output.format, json: ["applied": rows], table: MigrationView.table(rows))
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List migrations and whether each is applied.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let status = try await global.withEngine { try await $0.store.migrationStatus() }
            let rows = status.map { MigrationView($0) }
            Output.print(output.format, json: ["migrations": rows], table: MigrationView.table(rows))
        }
    }
}

struct MigrationView: Encodable {
    let version: Int
    let name: String
    let appliedAt: String?

    init(_ status: MigrationStatus) {
        version = status.version
        name = status.name
        appliedAt = status.appliedAt?.iso8601
    }

    static func table(_ rows: [MigrationView]) -> Table {
        Table(columns: ["version", "name", "applied"], rows: rows.map { [String($0.version), $0.name, $0.appliedAt ?? "pending"] })
    }
}

/// `rsoctl users …`: who may act, in which roles.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Add and list users.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user. The first user (an admin) may be added by anyone; then only admins add users.")
        @Argument(help: "The user's name.") var name: String
        @Option(name: .customLong("role"), parsing: .upToNextOption,
                help: "Roles: \(Role.assignable.map(\.rawValue).joined(separator: ", ")) (repeat or comma-separate).")
        var roleNames: [String] = []
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let roles = try Self.parse(roleNames)
            let user = try await global.withEngine { try await $0.addUser(name, roles: roles, as: global.optionalActor) }
            let view = UserView(user)
            Output.print(output.format, json: view, table: UserView.table([view]))
        }

        static func parse(_ names: [String]) throws -> [Role] {
            try names.flatMap { $0.split(separator: ",") }.map { name in
                guard let role = Role(rawValue: String(name)), role != .system else {
                    throw WorkflowError(.usage, "unknown role \(name); roles: \(Role.assignable.map(\.rawValue).joined(separator: ", "))")
                }
                return role
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users and their roles.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let users = try await global.withEngine { try await $0.users(as: actor) }
            let views = users.map(UserView.init)
            Output.print(output.format, json: ["users": views], table: UserView.table(views))
        }
    }
}

struct UserView: Encodable {
    let name: String
    let roles: [String]
    let createdAt: String
    let createdBy: String?

    init(_ user: User) {
        name = user.name
        roles = user.roles.map(\.rawValue)
        createdAt = user.createdAt.iso8601
        createdBy = user.createdBy
    }

    static func table(_ rows: [UserView]) -> Table {
        Table(columns: ["name", "roles", "created", "by"],
              rows: rows.map { [$0.name, $0.roles.joined(separator: ","), $0.createdAt, $0.createdBy ?? ""] })
    }
}
