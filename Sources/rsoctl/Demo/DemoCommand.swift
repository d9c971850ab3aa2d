import ArgumentParser
import Foundation
import WorkflowEngine

/// `rsoctl demo`: demo users and a few dozen AVRR cases spread over the stages, then the stage counts.
///
/// Every write carries an idempotency key, so running the demo again changes nothing.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Load demo users and AVRR cases (idempotent), then print the stage counts.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: FormatOption

    func run() async throws {
        let report = try await global.withEngine { engine in
            try await DemoUsers.ensure(engine)
            let plans = AVRRDemo.plans()
            for (index, plan) in plans.enumerated() {
                try await plan.load(into: engine)
                if (index + 1) % 12 == 0 { Output.note("rsoctl demo: \(index + 1)/\(plans.count) AVRR cases") }
            }
            return try await engine.stageCounts("avrr", as: DemoUsers.manager)
        }
        Output.note("rsoctl demo: AVRR cases per stage (try: rsoctl case list --workflow avrr --actor \(DemoUsers.caseworkers[0]))")
        let view = StageReportView(report)
        Output.print(output.format, json: view, table: view.table)
    }
}

/// The demo's staff, one per role.
enum DemoUsers {
    static let admin = "rso.admin"
    static let caseworkers = ["amina.caseworker", "budi.caseworker"]
    static let approver = "chen.approver"
    static let coordinator = "dewi.coordinator"
    static let manager = "maria.manager"

    static func ensure(_ engine: Engine) async throws {
        let existing = try await engine.store.users().map(\.name)
        if !existing.contains(admin) {
            guard existing.isEmpty else {
                throw WorkflowError(.usage, "this database already has users but not the demo's: run the demo on a fresh database, e.g. --database-url sqlite:/tmp/rso-demo.sqlite")
            }
            _ = try await engine.addUser(admin, roles: [.admin], as: nil)
        }
        let staff: [(String, [Role])] = caseworkers.map { ($0, [.caseworker]) }
            + [(approver, [.approver]), (coordinator, [.coordinator]), (manager, [.manager])]
        for (name, roles) in staff where !existing.contains(name) {
            _ = try await engine.addUser(name, roles: roles, as: admin)
        }
    }
}
