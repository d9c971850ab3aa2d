import ArgumentParser
import WorkflowEngine
import WorkflowViews

/// `rsoctl case …`: open, move, change and read cases.
struct CaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Open, advance, update and read cases.",
        subcommands: [Open.self, Advance.self, Update.self, Record.self, Show.self, History.self, List.self, Erase.self])

    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a case in its workflow's initial state.")
        @Argument(help: "The workflow, e.g. avrr (rsoctl workflow list).", transform: WorkflowID.parse) var workflow: String
        @OptionGroup var fields: FieldArguments
        @Option(help: "The parent case's reference or id.") var parent: String?
        @Option(help: "Back-date the opening (ISO 8601).") var at: Timestamp?
        @Option(name: .customLong("idempotency-key"), help: "Retrying with the same key opens only once.") var idempotencyKey: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let values = try fields.values()
            let view = try await global.withEngine { engine in
                try await CaseView.of(engine.open(workflow, fields: values, parent: parent.map(CaseLocator.init), as: actor,
                                      at: at?.date, idempotencyKey: idempotencyKey), in: engine)
            }
            view.print(as: output.format)
        }
    }

    struct Advance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a case along a transition.")
        @Argument(help: "The case's reference or id.") var reference: String
        @Argument(help: "The transition, e.g. submit (case show lists those allowed now).") var transition: String
        @OptionGroup var fields: FieldArguments
        @Option(help: "Why: some transitions require it.") var reason: String?
        @Option(name: .customLong("expect-version"), help: "Refuse (exit 70) unless the case is at this version.") var expectVersion: Int?
        @Option(help: "Back-date the transition (ISO 8601); not before the case's latest event.") var at: Timestamp?
        @Option(name: .customLong("idempotency-key"), help: "Retrying with the same key applies only once.") var idempotencyKey: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let values = try fields.values()
            let view = try await global.withEngine { engine in
                try await CaseView.of(engine.advance(CaseLocator(reference), transition, fields: values, reason: reason, as: actor,
                                         expectedVersion: expectVersion, at: at?.date, idempotencyKey: idempotencyKey), in: engine)
            }
            view.print(as: output.format)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set fields of a case without moving it.")
        @Argument(help: "The case's reference or id.") var reference: String
        @OptionGroup var fields: FieldArguments
        @Option(help: "Why the fields change.") var reason: String?
        @Option(name: .customLong("expect-version"), help: "Refuse (exit 70) unless the case is at this version.") var expectVersion: Int?
        @Option(help: "Back-date the update (ISO 8601).") var at: Timestamp?
        @Option(name: .customLong("idempotency-key"), help: "Retrying with the same key applies only once.") var idempotencyKey: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func validate() throws {
            if fields.pairs.isEmpty { throw ValidationError("case update needs at least one --field KEY=VALUE") }
        }

        func run() async throws {
            let actor = try global.actorName()
            let values = try fields.values()
            let view = try await global.withEngine { engine in
                try await CaseView.of(engine.update(CaseLocator(reference), fields: values, reason: reason, as: actor,
                                        expectedVersion: expectVersion, at: at?.date, idempotencyKey: idempotencyKey), in: engine)
            }
            view.print(as: output.format)
        }
    }

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add to an outcome counter, e.g. rsoctl case record JPAOP-2013-000001 arrests 4.",
            discussion: "A negative COUNT corrects an earlier error: it needs --reason and never takes a total below 0.")
        @Argument(help: "The case's reference or id.") var reference: String
        @Argument(help: "The outcome counter, e.g. arrests (rsoctl workflow show lists them).") var outcome: String
        // Collected raw so that a negative count (-2) is not taken for an option.
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("How many to add; negative to correct.", valueName: "count")) var countText: [String] = []
        @Option(help: "Why: required for a correction.") var reason: String?
        @Option(help: "When it was recorded (ISO 8601); not before the case's latest event.") var at: Timestamp?
        @Option(name: .customLong("idempotency-key"), help: "Retrying with the same key records only once.") var idempotencyKey: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func validate() throws {
            // One whole number; one too large for any integer is data out of range (65, in run), not a usage slip.
            guard countText.count == 1, countText[0].wholeMatch(of: /[-+]?[0-9]+/) != nil else {
                throw ValidationError("COUNT must be one whole number from -\(Decider.largestOutcomeCount) to \(Decider.largestOutcomeCount), e.g. 4, or -1 to correct an error")
            }
        }

        func run() async throws {
            let actor = try global.actorName()
            guard let count = Int(countText[0]) else { throw Decider.implausibleCount(countText[0]) }
            let view = try await global.withEngine { engine in
                try await CaseView.of(engine.record(CaseLocator(reference), outcome: outcome, count: count, reason: reason, as: actor,
                                        at: at?.date, idempotencyKey: idempotencyKey), in: engine)
            }
            view.print(as: output.format)
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a case's personal data for good (data_protection role).",
            discussion: "Deletes the case's own key: its personal values, in the case and in every history event, can no longer be read by anyone. States, dates, outcomes and sensitive values stay, so metrics do not change; the history records the erasure and still verifies.")
        @Argument(help: "The case's reference or id.") var reference: String
        @Option(help: "Why, e.g. \"data subject's request of 2026-11-02\" (required).") var reason: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let actor = try global.actorName()
            let view = try await global.withEngine { engine in
                try await CaseView.of(engine.erase(CaseLocator(reference), reason: reason, as: actor), in: engine)
            }
            view.print(as: output.format)
        }
    }
}
