import ArgumentParser
import Foundation
import WorkflowEngine
import WorkflowServer
import WorkflowViews

/// `rsoctl demo`: demo users, the AVRR pilot's cases of 2012–2013 spread over the stages, this week's AVRR cases
/// (dated relative to `--today`), the Joint Periods of Action 1–3 with their operations, the RSO's secondments
/// 2013–2017 and the CRVS assessment pilots; then the AVRR stage counts.
///
/// Every write is back-dated and carries an idempotency key, so running the demo again changes nothing. The timers
/// due by the demo's day are run at its end, as `timers run` would have run them over the years (the pilot's cases
/// in monitoring close a year after it began, recorded on that day): `timers run` after the demo finds nothing of
/// the demo's left to fire.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Load demo users, AVRR, JPA, secondment and CRVS cases (idempotent), then print the AVRR stage counts.",
        discussion: "The AVRR pilot's cases date from 2012–2013; this week's AVRR cases are dated relative to --today. Timers due by that day are run at the end, so timers run finds nothing of the demo's left to fire.")
    @Option(help: "The day this week's cases are dated from (YYYY-MM-DD, UTC; default: today; not in the future).")
    var today: Day?
    @Flag(help: "Then give each demo user a new random password, print them, and serve the web pages and the API (as rsoctl serve) until SIGTERM or SIGINT.")
    var serve = false
    @Option(help: "With --serve: where to listen, HOST:PORT.") var listen = "127.0.0.1:8080"
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: FormatOption

    func run() async throws {
        let wallClock = Date()
        let day = today?.date ?? SimpleDate(String(wallClock.iso8601.prefix(10)))!
        let midnight = day.startOfDay
        guard midnight <= wallClock else {
            throw WorkflowError(.usage, "--today \(day) is in the future: the demo records what happened, so its day is today or earlier (YYYY-MM-DD)")
        }
        let (report, jpa, fired) = try await global.withEngine { engine in
            try await DemoUsers.ensure(engine)
            let plans = AVRRDemo.plans()
            for (index, plan) in plans.enumerated() {
                try await plan.load(into: engine)
                if (index + 1) % 12 == 0 { Output.note("rsoctl demo: \(index + 1)/\(plans.count) AVRR cases") }
            }
            try await CurrentAVRRDemo.load(into: engine, today: midnight)
            let jpa = try await JPADemo.load(into: engine)
            try await SecondmentDemo.load(into: engine)
            try await CRVSDemo.load(into: engine)
            // What `timers run` would have done by the demo's day, each transition recorded when its timer came due.
            let fired = try await engine.runTimers(now: midnight).fired.count
            return (try await engine.stageCounts("avrr", as: DemoUsers.manager), jpa, fired)
        }
        let manager = DemoUsers.manager
        if fired > 0 {
            Output.note("rsoctl demo: ran the timers due by \(day): \(fired) transition(s), each recorded on the day it came due (monitoring closes after a year)")
        }
        Output.note("rsoctl demo: try")
        Output.note("  rsoctl case list --workflow avrr --overdue --actor \(DemoUsers.caseworkers[0])")
        Output.note("  rsoctl timers run --dry-run")
        if let second = jpa.dropFirst().first {
            Output.note("  rsoctl metrics outcomes jpa.operation --parent \(second) --by lead_country --actor \(manager)")
        }
        Output.note("  rsoctl metrics outcomes jpa.operation --actor \(manager)")
        Output.note("  rsoctl metrics stages secondment --actor \(manager)")
        Output.note("  rsoctl case list --workflow secondment --actor \(manager)")
        Output.note("  rsoctl report crvs.access --actor \(manager)")
        let view = StageReportView(report)
        let total = view.stages.reduce(0) { $0 + $1.count }
        if output.format == .table {
            // The heading belongs to the table: both on stdout, together.
            print("AVRR cases per stage, as of \(String(wallClock.iso8601.prefix(10))) (this week's cases dated from \(day)):")
            fflush(nil)
        }
        // The total is for reading; CSV keeps the `metrics stages` rows, one per state.
        var table = view.table
        if output.format == .table { table.rows.append(["total", String(total)] + Array(repeating: "", count: table.columns.count - 2)) }
        Output.print(output.format, json: view, table: table)
        if serve { try await serveDemo() }
    }

    /// New passwords for the demo's staff, printed once, then the server: the web pages ready to sign in to.
    private func serveDemo() async throws {
        let address = try ListenAddress(listen)
        let passwords = try await global.withEngine { engine in
            var passwords: [(String, String)] = []
            for name in DemoUsers.all {
                let password = DemoUsers.newPassword()
                try await engine.setPassword(for: name, to: password, as: DemoUsers.admin, hasher: BcryptPasswords())
                passwords.append((name, password))
            }
            return passwords
        }
        Output.note("rsoctl demo: sign in at http://\(address)/login (these passwords are new at each run, shown once):")
        for (name, password) in passwords { Output.note("  \(name)  \(password)") }
        try await ServeCommand.serve(global: global, listen: listen)
    }
}

/// The demo's staff, one per role.
enum DemoUsers {
    static let admin = "rso.admin"
    static let caseworkers = ["amina.caseworker", "budi.caseworker"]
    static let approver = "chen.approver"
    static let coordinator = "dewi.coordinator"
    static let manager = "maria.manager"

    static var all: [String] { [admin] + caseworkers + [approver, coordinator, manager] }

    /// 16 letters and digits from the system's generator: a demo password, printed once.
    static func newPassword() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return String((0..<16).map { _ in alphabet.randomElement(using: &generator)! })
    }

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

/// One demo case written step by step: every write back-dated to a calendar day and keyed.
///
/// A write on a day gets 09:00 UTC, or an hour after the case's previous write if that was
/// the same day, so the case's history is strictly in order. Keys are `KEY-open`, `KEY-TRANSITION`,
/// `KEY-record-OUTCOME`, `KEY-update`, with `-2`, `-3`... when the same name comes again: stable
/// from run to run, so a second run replays every write and changes nothing.
struct DemoCase {
    let engine: Engine
    let key: String
    let actor: String
    private(set) var record: CaseRecord
    private var last: Date
    private var used: [String: Int] = [:]

    var id: UUID { record.id }
    var reference: String { record.reference }

    /// Opens the case (or replays its opening) on `day`, e.g. "2015-09-28".
    static func open(
        _ workflow: String, _ fields: FieldValues, parent: DemoCase? = nil, on day: String, key: String,
        as actor: String = DemoUsers.coordinator, in engine: Engine
    ) async throws -> DemoCase {
        let at = try time(day, after: nil)
        let record = try await engine.open(
            workflow, fields: fields, parent: parent.map { .id($0.id) }, as: actor, at: at, idempotencyKey: "\(key)-open")
        return DemoCase(engine: engine, key: key, actor: actor, record: record, last: at)
    }

    mutating func advance(
        _ transition: String, _ fields: FieldValues = [:], reason: String? = nil, on day: String, as actor: String? = nil
    ) async throws {
        let (at, key) = try next(day, transition)
        record = try await engine.advance(
            .id(id), transition, fields: fields, reason: reason, as: actor ?? self.actor, at: at, idempotencyKey: key)
    }

    /// Adds `count` to an outcome counter (negative to correct, with a reason).
    mutating func record(_ outcome: String, _ count: Int, reason: String? = nil, on day: String) async throws {
        let (at, key) = try next(day, "record-\(outcome)")
        record = try await engine.record(
            .id(id), outcome: outcome, count: count, reason: reason, as: actor, at: at, idempotencyKey: key)
    }

    /// Sets fields without moving the case.
    mutating func update(_ fields: FieldValues, reason: String? = nil, on day: String) async throws {
        let (at, key) = try next(day, "update")
        record = try await engine.update(.id(id), fields: fields, reason: reason, as: actor, at: at, idempotencyKey: key)
    }

    private mutating func next(_ day: String, _ name: String) throws -> (Date, String) {
        let at = try Self.time(day, after: last)
        last = at
        let seen = used[name, default: 0] + 1
        used[name] = seen
        return (at, seen == 1 ? "\(key)-\(name)" : "\(key)-\(name)-\(seen)")
    }

    /// 09:00 UTC on `day`, or an hour after `previous` when that is already on or after it.
    private static func time(_ day: String, after previous: Date?) throws -> Date {
        guard let date = SimpleDate(day) else { throw WorkflowError(.usage, "demo data: \(day) is not a YYYY-MM-DD date") }
        let at = date.startOfDay.addingTimeInterval(9 * 3600)
        guard let previous, at <= previous else { return at }
        guard previous < date.startOfDay.addingTimeInterval(86_400) else {
            throw WorkflowError(.usage, "demo data: \(day) comes before the case's previous write at \(previous.iso8601)")
        }
        return previous.addingTimeInterval(3600)
    }
}
