import ArgumentParser
import Foundation
import WorkflowEngine
import WorkflowViews

/// `rsoctl retention …`: how long personal data is kept.
struct RetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention", abstract: "Erase personal data whose retention period has passed.", subcommands: [Run.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase, as the system user, the personal data of every case final for longer than its workflow keeps it.",
            discussion: """
                Each workflow says how many days personal values are kept once a case reaches a final state \
                (rsoctl workflow show; AVRR: 1825 days, five years). Each due case is erased as case erase would: \
                its values read [erased], states, counts and the history chain stay. Safe to run from several \
                processes at once (e.g. a daily cron job on each server): a case is erased once, and a run that \
                finds it erased meanwhile lists it as skipped.

                Acts as the system user: no --actor is needed.
                """)
        @Option(help: "Measure retention periods at this earlier time instead of now (ISO 8601, or a date meaning midnight UTC).")
        var now: Timestamp?
        @Flag(name: .customLong("dry-run"), help: "List what would be erased; write nothing.")
        var dryRun = false
        @Option(name: .customLong("keep-days"), help: "WORKFLOW=DAYS: keep that workflow's personal data this many days after a final state, for this run (repeatable).")
        var keepDays: [String] = []
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func periods() throws -> [String: Int] {
            var periods: [String: Int] = [:]
            for entry in keepDays {
                let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty, let days = Int(parts[1]), (0...36_500).contains(days) else {
                    throw ValidationError("--keep-days takes WORKFLOW=DAYS with DAYS a whole number from 0 to 36500, e.g. avrr=1825")
                }
                periods[WorkflowID.parse(parts[0])] = days
            }
            return periods
        }

        func validate() throws { _ = try periods() }

        func run() async throws {
            let at = now?.date ?? Date()
            let dryRun = dryRun, periods = try periods()
            let result = try await global.withEngine { try await $0.runRetention(now: at, dryRun: dryRun, keptDays: periods) }
            Output.note("rsoctl: \(dryRun ? "would erase" : "erased") the personal data of \(result.erased.count) case(s)"
                        + (result.skipped.isEmpty ? "" : "; \(result.skipped.count) skipped (erased or changed meanwhile)"))
            let view = RetentionRunView(result)
            Output.print(output.format, json: view, table: view.table)
        }
    }
}

/// The `retention run` JSON shape: `{"now", "dryRun", "erased": [...], "skipped": [...]}`, each entry
/// `{"reference", "workflow", "state", "finalSince", "keptDays"}`.
struct RetentionRunView: Encodable {
    struct Due: Encodable {
        let reference: String
        let workflow: String
        let state: String
        let finalSince: String
        let keptDays: Int
    }

    let now: String
    let dryRun: Bool
    let erased: [Due]
    let skipped: [Due]

    init(_ run: RetentionRun) {
        func due(_ entry: RetentionRun.Due) -> Due {
            Due(reference: entry.reference, workflow: entry.workflow, state: entry.state, finalSince: entry.finalSince.iso8601,
                keptDays: entry.keptDays)
        }
        now = run.now.iso8601
        dryRun = run.dryRun
        erased = run.erased.map(due)
        skipped = run.skipped.map(due)
    }

    var table: Table {
        let result = dryRun ? "would erase" : "erased"
        let rows = erased.map { [$0.reference, $0.workflow, $0.state, $0.finalSince, String($0.keptDays), result] }
            + skipped.map { [$0.reference, $0.workflow, $0.state, $0.finalSince, String($0.keptDays), "skipped"] }
        return Table(columns: ["reference", "workflow", "state", "final since", "kept days", "result"], rows: rows)
    }
}
