import ArgumentParser
import Foundation
import WorkflowEngine
import WorkflowViews

/// `rsoctl timers …`: the deadlines modules declare.
struct TimersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timers", abstract: "Run the deadlines the modules declare.", subcommands: [Run.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fire every due timer transition as the system user, once each; list overdue cases.",
            discussion: """
                Safe to run from several processes at once (e.g. a cron job on each server): each due case is \
                claimed by one of them and its transition is made once. A transition is recorded at the moment \
                its deadline passed, not when the run got to it. A timer whose transition's guards fail fires \
                nothing: the case is listed as overdue with the unmet guards.

                Overdue cases show how late they are: lateBy in whole days and hours ("3d 4h"), lateBySeconds exact.

                Acts as the system user: no --actor is needed.
                """)
        @Option(help: "Measure deadlines at this earlier time instead of now (ISO 8601, or a date meaning midnight UTC); never in the future.")
        var now: Timestamp?
        @Flag(name: .customLong("dry-run"), help: "List what would fire and what is overdue; claim and write nothing.")
        var dryRun = false
        @Option(help: "List at most this many overdue cases.") var limit = 1000
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func validate() throws {
            if limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            let at = now?.date ?? Date()
            let limit = limit, dryRun = dryRun
            let result = try await global.withEngine { try await $0.runTimers(now: at, dryRun: dryRun, overdueLimit: limit) }
            Output.note("rsoctl: \(dryRun ? "would fire" : "fired") \(result.fired.count) timer transition(s); \(result.overdue.count) case(s) overdue"
                        + (result.skipped.isEmpty ? "" : "; \(result.skipped.count) skipped (changed meanwhile)"))
            if result.overdue.count >= limit {
                Output.note("rsoctl: only the first \(limit) overdue cases are listed; raise --limit to see more")
            }
            let view = TimerRunView(result)
            Output.print(output.format, json: view, table: view.table)
        }
    }
}

/// The `timers run` JSON shape: `{"now", "dryRun", "fired": [...], "overdue": [...], "skipped": [...]}`; in a dry run
/// `fired` lists the transitions that would be made.
struct TimerRunView: Encodable {
    struct Fired: Encodable {
        let reference: String
        let workflow: String
        let transition: String
        let from: String
        let to: String
        let at: String
    }

    struct Overdue: Encodable {
        let reference: String
        let workflow: String
        let state: String
        let dueAt: String
        let lateBy: String
        let lateBySeconds: Int
        let unmetGuards: [String]?

        // Scripts read every key: unmetGuards is null when no timer tried to fire the case.
        func encode(to encoder: any Encoder) throws {
            enum Keys: String, CodingKey { case reference, workflow, state, dueAt, lateBy, lateBySeconds, unmetGuards }
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(reference, forKey: .reference)
            try c.encode(workflow, forKey: .workflow)
            try c.encode(state, forKey: .state)
            try c.encode(dueAt, forKey: .dueAt)
            try c.encode(lateBy, forKey: .lateBy)
            try c.encode(lateBySeconds, forKey: .lateBySeconds)
            try c.encode(unmetGuards, forKey: .unmetGuards)
        }
    }

    struct Skipped: Encodable {
        let reference: String
        let workflow: String
        let transition: String
        let reason: String
    }

    let now: String
    let dryRun: Bool
    let fired: [Fired]
    let overdue: [Overdue]
    let skipped: [Skipped]

    init(_ run: TimerRun) {
        now = run.now.iso8601
        dryRun = run.dryRun
        fired = run.fired.map {
            Fired(reference: $0.record.reference, workflow: $0.record.workflow, transition: $0.transition,
                  from: $0.from, to: $0.record.state, at: $0.record.updatedAt.iso8601)
        }
        overdue = run.overdue.map {
            Overdue(reference: $0.record.reference, workflow: $0.record.workflow, state: $0.record.state,
                    dueAt: $0.dueAt.iso8601, lateBy: Lateness.text(Int($0.lateBy)), lateBySeconds: Int($0.lateBy),
                    unmetGuards: $0.unmetGuards)
        }
        skipped = run.skipped.map {
            Skipped(reference: $0.record.reference, workflow: $0.record.workflow, transition: $0.transition, reason: $0.reason)
        }
    }

    /// One line per case: what happened to it, how late it is, and why when nothing fired.
    var table: Table {
        let firing = dryRun ? "would fire" : "fired"
        var rows = fired.map { [$0.reference, $0.workflow, $0.to, "\(firing) \($0.transition)", $0.at, "", "from \($0.from)"] }
        rows += overdue.map {
            [$0.reference, $0.workflow, $0.state, "overdue", $0.dueAt, $0.lateBy,
             $0.unmetGuards.map { "unmet: " + $0.joined(separator: "; ") } ?? ""]
        }
        rows += skipped.map { [$0.reference, $0.workflow, "", "skipped \($0.transition)", "", "", $0.reason] }
        return Table(columns: ["reference", "workflow", "state", "result", "due", "late by", "detail"], rows: rows)
    }
}
