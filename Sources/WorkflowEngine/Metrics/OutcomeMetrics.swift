/// Outcome totals of one workflow, optionally for the children of one case and split by a field.
public struct OutcomeReport: Sendable, Hashable {
    public let workflow: String
    /// Every declared counter, zeros included.
    public let totals: [String: Int]
    /// Totals per value of the `by` field, when one was asked for.
    public let by: [String: [String: Int]]?
}

extension Engine {
    /// Sums the outcome counters over the workflow's cases (corrections included).
    public func outcomeTotals(
        _ workflowID: String, parent: CaseLocator? = nil, by field: String? = nil, as actorName: String
    ) async throws -> OutcomeReport {
        _ = try await resolve(actorName)
        let definition = try registry.workflow(workflowID)
        guard let counters = definition.outcomes else {
            let recording = registry.workflows.filter { $0.outcomes != nil }.map(\.id)
            throw WorkflowError(.invalidData, "\(workflowID) declares no outcome counters; workflows that do: \(recording.joined(separator: ", "))")
        }
        if let field, definition.field(field) == nil {
            throw WorkflowError(.invalidData, "\(workflowID) has no field \(field) to split by; fields: \(definition.fields.map(\.name).joined(separator: ", "))")
        }
        var parentID: UUID?
        if let parent { parentID = try await find(parent).id }
        let cases = try await store.listCases(CaseQuery(workflow: workflowID, parentID: parentID, limit: Int.max))
        let zero = Dictionary(uniqueKeysWithValues: counters.names.map { ($0, 0) })
        var totals = zero
        var by: [String: [String: Int]] = [:]
        for record in cases {
            let key = field.map { record.fields[$0]?.plainText ?? "(unset)" }
            for (name, count) in record.outcomes {
                totals[name, default: 0] += count
                if let key { by[key, default: zero][name, default: 0] += count }
            }
            if let key, by[key] == nil { by[key] = zero }
        }
        return OutcomeReport(workflow: workflowID, totals: totals, by: field == nil ? nil : by)
    }

    /// Runs a module's named report over every case of its workflow.
    public func report(_ name: String, as actorName: String) async throws -> ReportTable {
        _ = try await resolve(actorName)
        guard let report = registry.reports.first(where: { $0.name == name }) else {
            let known = registry.reports.map(\.name)
            throw WorkflowError(.notFound, "no report \(name); reports: \(known.isEmpty ? "none" : known.joined(separator: ", "))")
        }
        return report.build(try await store.listCases(CaseQuery(workflow: report.workflow, limit: Int.max)))
    }
}

import Foundation
