import ArgumentParser
import Foundation
import WorkflowEngine
import WorkflowViews

/// `rsoctl audit …`: evidence that the history is as it was written.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check the history's integrity; list who was shown personal data.",
        subcommands: [Verify.self, Access.self])

    struct Access: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the reads that showed personal or sensitive values, oldest first (admin or data_protection).")
        @Option(name: .customLong("case"), help: "Only reads of this case (its reference).") var reference: String?
        @Option(help: "Only reads by this user.") var user: String?
        @Option(help: "Only reads from the start of this day (UTC).") var from: Day?
        @Option(help: "Only reads up to the end of this day (UTC).") var to: Day?
        @Option(help: "At most this many entries.") var limit = 1000
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func validate() throws {
            if limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            let actor = try global.actorName()
            let query = AccessQuery(caseReference: reference?.uppercased(), actor: user, from: from?.date.startOfDay,
                                    until: to?.date.endOfDay, limit: limit)
            let entries = try await global.withEngine { try await $0.accessLog(query, as: actor) }
            let views = entries.map(AccessEntryView.init)
            Output.print(output.format, json: ["entries": views], table: Table(
                columns: ["at", "user", "action", "cases", "purpose"],
                rows: views.map { [$0.at, $0.user, $0.action, $0.cases.isEmpty ? ($0.query ?? "") : $0.cases.joined(separator: ", "), $0.purpose ?? ""] }))
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute each case's history chain: exit 0 when it holds, 65 naming the first event that does not match.")
        @Argument(help: "Only this case (reference or id).") var reference: String?
        @Option(help: "Only this workflow's cases.", transform: WorkflowID.parse) var workflow: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func validate() throws {
            if reference != nil && workflow != nil { throw ValidationError("give a case or --workflow, not both") }
        }

        func run() async throws {
            let actor = try global.actorName()
            let audit = try await global.withEngine { engine in
                try await engine.verifyHistory(of: reference.map(CaseLocator.init), workflow: workflow, as: actor)
            }
            let view = AuditView(audit)
            Output.print(output.format, json: view, table: view.table)
            if let (reference, at) = audit.broken {
                throw WorkflowError(.invalidData, "the history of \(reference) does not match its chain at event #\(at.seq) (version \(at.caseVersion)): \(at.reason); it was changed after it was written: restore the case's history from a backup and find who had the table owner's rights")
            }
        }
    }
}

/// `audit verify`'s report: `{"cases", "chainedEvents", "unchainedEvents", "holds", "broken": {"reference", "seq",
/// "caseVersion", "reason"} | null}`.
struct AuditView: Encodable {
    struct Broken: Encodable {
        let reference: String
        let seq: Int64
        let caseVersion: Int
        let reason: String
    }

    let cases: Int
    let chainedEvents: Int
    let unchainedEvents: Int
    let holds: Bool
    let broken: Broken?

    init(_ audit: HistoryAudit) {
        cases = audit.cases
        chainedEvents = audit.chainedEvents
        unchainedEvents = audit.unchainedEvents
        holds = audit.broken == nil
        broken = audit.broken.map { Broken(reference: $0.reference, seq: $0.at.seq, caseVersion: $0.at.caseVersion, reason: $0.at.reason) }
    }

    func encode(to encoder: any Encoder) throws {
        enum Keys: String, CodingKey { case cases, chainedEvents, unchainedEvents, holds, broken }
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(cases, forKey: .cases)
        try container.encode(chainedEvents, forKey: .chainedEvents)
        try container.encode(unchainedEvents, forKey: .unchainedEvents)
        try container.encode(holds, forKey: .holds)
        try container.encode(broken, forKey: .broken)  // null when the chain holds: the key is always there
    }

    var table: Table {
        Table(columns: ["cases", "chained events", "unchained events", "chain"], rows: [[
            String(cases), String(chainedEvents), String(unchainedEvents),
            broken.map { "broken at \($0.reference) #\($0.seq)" } ?? "holds",
        ]])
    }
}

/// One entry of `audit access`: `{"user", "at", "action", "workflow", "cases": [REF...], "query", "purpose"}`.
struct AccessEntryView: Encodable {
    let user: String
    let at: String
    let action: String
    let workflow: String?
    let cases: [String]
    let query: String?
    let purpose: String?

    func encode(to encoder: any Encoder) throws {
        enum Keys: String, CodingKey { case user, at, action, workflow, cases, query, purpose }
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(user, forKey: .user)
        try container.encode(at, forKey: .at)
        try container.encode(action, forKey: .action)
        try container.encode(workflow, forKey: .workflow)  // null rather than absent: every entry has every key
        try container.encode(cases, forKey: .cases)
        try container.encode(query, forKey: .query)
        try container.encode(purpose, forKey: .purpose)
    }

    init(_ entry: AccessEntry) {
        user = entry.actor
        at = entry.at.iso8601
        action = entry.action
        workflow = entry.workflow
        cases = entry.cases
        query = entry.query
        purpose = entry.purpose
    }
}
