import Foundation
import Testing

/// Fixtures for the JPA, secondment and CRVS end-to-end specs: a coordinator, cases opened and
/// advanced by them, outcomes recorded, all through `rsoctl`.
extension TestDatabase {
    /// The standard users (maria is the manager, amina a caseworker) plus cora, a coordinator.
    func addModuleUsers() async throws {
        try await addStandardUsers()
        try await succeed(["users", "add", "cora", "--role", "coordinator", "--actor", "root"])
    }

    /// `case open WF --field K=V... [--parent REF]` as `actor`, required to succeed; returns the case.
    @discardableResult
    func open(_ workflow: String, _ fields: [String: String], parent: String? = nil, actor: String = "cora",
              sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        try await json(["case", "open", workflow] + Self.fieldArguments(fields) + (parent.map { ["--parent", $0] } ?? [])
                       + ["--actor", actor, "--format", "json"], sourceLocation: sourceLocation)
    }

    /// Like `open`, returning only the new case's reference.
    func openReference(_ workflow: String, _ fields: [String: String], parent: String? = nil, actor: String = "cora",
                       sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let opened = try await open(workflow, fields, parent: parent, actor: actor, sourceLocation: sourceLocation)
        return try #require(opened["reference"] as? String, sourceLocation: sourceLocation)
    }

    /// `case advance REF TRANSITION --field K=V... [--reason R]` as `actor` (cora unless told), required to succeed.
    @discardableResult
    func step(_ reference: String, _ transition: String, _ fields: [String: String] = [:], reason: String? = nil,
              actor: String = "cora", sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        try await advance(reference, transition, Self.fieldArguments(fields) + (reason.map { ["--reason", $0] } ?? []),
                          actor: actor, sourceLocation: sourceLocation)
    }

    /// `case record REF OUTCOME COUNT [--reason R]` as cora, required to succeed; returns the case after it.
    @discardableResult
    func record(_ reference: String, _ outcome: String, _ count: Int, reason: String? = nil,
                sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        try await json(["case", "record", reference, outcome, String(count)] + (reason.map { ["--reason", $0] } ?? [])
                       + ["--actor", "cora", "--format", "json"], sourceLocation: sourceLocation)
    }

    /// A jpa.period opened and started (2026-01-01 to 2026-03-31, THA and IDN taking part); returns its reference.
    func activePeriod(named name: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let period = try await openReference("jpa.period", ["name": name], sourceLocation: sourceLocation)
        try await step(period, "start", JPA.startFields, sourceLocation: sourceLocation)
        return period
    }

    /// A jpa.operation opened under `period`; launched unless told otherwise.
    func operation(in period: String, named name: String, lead: String = "THA", launch: Bool = true,
                   sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let operation = try await openReference("jpa.operation", ["name": name, "lead_country": lead], parent: period,
                                                sourceLocation: sourceLocation)
        if launch { try await step(operation, "launch", sourceLocation: sourceLocation) }
        return operation
    }

    /// `case list --parent REF --format json`: the references listed.
    func childReferences(of parent: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String] {
        let list = try await json(["case", "list", "--parent", parent, "--actor", "maria", "--format", "json"],
                                  sourceLocation: sourceLocation)
        let cases = try #require(list["cases"] as? [[String: Any]], "no cases in \(list)", sourceLocation: sourceLocation)
        return cases.compactMap { $0["reference"] as? String }
    }

    /// `--field K=V` pairs in key order, so a command line never depends on dictionary order.
    static func fieldArguments(_ fields: [String: String]) -> [String] {
        fields.sorted { $0.key < $1.key }.flatMap { ["--field", "\($0.key)=\($0.value)"] }
    }
}

/// What the JPA specs share.
enum JPA {
    static let startFields = ["starts_on": "2026-01-01", "ends_on": "2026-03-31", "participating_countries": "THA,IDN"]
    static let outcomes = ["suspects_identified", "arrests", "investigations_launched", "prosecutions", "convictions",
                           "victims_identified", "networks_disrupted"]
}

/// Reading a case's JSON.
enum CaseJSON {
    static func fields(_ shown: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try #require(shown["fields"] as? [String: Any], "no fields in \(shown)", sourceLocation: sourceLocation)
    }

    /// The case's outcome counter, 0 when absent.
    static func outcome(_ shown: [String: Any], _ name: String) -> Int? {
        guard let outcomes = shown["outcomes"] as? [String: Any] else { return nil }
        return outcomes[name] as? Int ?? 0
    }

    /// (transition, from, to) of every transition event, oldest first.
    static func transitions(_ events: [[String: Any]]) -> [String] {
        events.filter { $0["kind"] as? String == "transition" }.map {
            "\($0["transition"] as? String ?? "?"): \($0["from"] as? String ?? "?") → \($0["to"] as? String ?? "?")"
        }
    }
}
