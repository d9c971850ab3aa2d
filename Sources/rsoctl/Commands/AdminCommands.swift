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
        @Option(name: .customLong("grant-to"), help: "PostgreSQL: then grant this role (one that owns nothing) exactly what rsoctl needs.")
        var applicationRole: String?

        func run() async throws {
            let (applied, granted) = try await global.withEngine { engine in
                let applied = try await engine.store.migrate()
                guard let applicationRole else { return (applied, [String]()) }
                guard let granting = engine.store as? any ApplicationRoleGranting else {
                    throw WorkflowError(.usage, "--grant-to applies to PostgreSQL: an SQLite file has no database roles")
                }
                return (applied, try await granting.grantApplicationRole(applicationRole))
            }
            Output.note(applied.isEmpty ? "rsoctl: schema is up to date" : "rsoctl: applied \(applied.count) migration(s)")
            if let applicationRole { Output.note("rsoctl: granted \(applicationRole) \(granted.joined(separator: "; "))") }
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
