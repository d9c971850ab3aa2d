/// Outcome totals of one workflow, optionally for the children of one case and split by a field.
public struct OutcomeReport: Sendable, Hashable {
    public let workflow: String
    /// Every declared counter, zeros included.
    public let totals: [String: Int]
    /// Totals per value of the `by` field, when one was asked for.
    public let by: [String: [String: Int]]?
}

extension Engine {
    /// Sums the outcome counters over the workflow's cases, corrections included: all time, or recorded in a period.
    public func outcomeTotals(
        _ workflowID: String, parent: CaseLocator? = nil, from: SimpleDate? = nil, to: SimpleDate? = nil,
        by field: String? = nil, as actorName: String
    ) async throws -> OutcomeReport {
        _ = try await resolve(actorName)
        let definition = try registry.workflow(workflowID)
        guard let counters = definition.outcomes else {
            let recording = registry.workflows.filter { $0.outcomes != nil }.map(\.id)
            throw WorkflowError(.invalidData, "\(workflowID) declares no outcome counters; workflows that do: \(recording.joined(separator: ", "))")
        }
        try checkSplit(field, of: definition)
        try checkPeriod(from, to)
        var parentID: UUID?
        if let parent {
            let record = try await find(parent)
            guard record.workflow == definition.parentWorkflow else {
                throw WorkflowError(.invalidData, "\(record.reference) is \(Article.a(record.workflow)) case: \(workflowID) cases have "
                    + (definition.parentWorkflow.map { "\($0) parents" } ?? "no parent"))
            }
            parentID = record.id
        }
        let rows = try await store.outcomeTotals(
            workflow: workflowID, parentID: parentID, from: from?.startOfDay, until: to?.endOfDay, by: field)
        let zero = Dictionary(uniqueKeysWithValues: counters.names.map { ($0, 0) })
        var totals = zero
        var by: [String: [String: Int]] = [:]
        for row in rows {
            totals[row.outcome, default: 0] += row.total
            if field != nil { by[row.value ?? "(unset)", default: zero][row.outcome, default: 0] += row.total }
        }
        return OutcomeReport(workflow: workflowID, totals: totals, by: field == nil ? nil : by)
    }

    /// `--from A --to B` includes both whole days; either may be open.
    func checkPeriod(_ from: SimpleDate?, _ to: SimpleDate?) throws(WorkflowError) {
        if let from, let to, to < from {
            throw WorkflowError(.invalidData, "--to \(to) is before --from \(from): give a period that runs forward")
        }
    }

    /// Runs a module's named report over every case of its workflow.
    public func report(_ name: String, as actorName: String) async throws -> ReportTable {
        let actor = try await resolve(actorName)
        guard let report = registry.reports.first(where: { $0.name == name }) else {
            let known = registry.reports.map(\.name)
            throw WorkflowError(.notFound, "no report \(name); reports: \(known.isEmpty ? "none" : known.joined(separator: ", "))")
        }
        let definition = try registry.workflow(report.workflow)
        return report.build(try await stored(CaseQuery(workflow: report.workflow, limit: Int.max))
            .map { Redaction.record($0, in: definition, as: actor) })
    }
}

import Foundation
