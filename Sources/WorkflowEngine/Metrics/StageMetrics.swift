import Foundation

/// Cases per state of one workflow, every state listed in definition order.
public struct StageReport: Sendable, Hashable {
    public struct Stage: Sendable, Hashable {
        public let state: String
        public let count: Int
        /// Counts per value of the `by` field, when one was asked for.
        public let by: [String: Int]?
    }

    public let workflow: String
    public let asOf: String?
    public let stages: [Stage]
}

extension Engine {
    /// How many cases stand in each state now, or at the end of a past day (UTC), optionally split by a field.
    ///
    /// As of a day, the split uses each case's current value of the field.
    public func stageCounts(
        _ workflowID: String, asOf day: SimpleDate? = nil, by field: String? = nil, as actorName: String
    ) async throws -> StageReport {
        _ = try await resolve(actorName)
        let definition = try registry.workflow(workflowID)
        try checkSplit(field, of: definition)
        let rows = if let day {
            try await store.stageCounts(workflow: workflowID, at: day.endOfDay, by: field)
        } else {
            try await store.stageCounts(workflow: workflowID, by: field)
        }
        let stages = definition.states.map { state in
            let mine = rows.filter { $0.state == state.name }
            let by = field.map { _ in
                Dictionary(mine.map { ($0.value ?? "(unset)", $0.count) }, uniquingKeysWith: +)
            }
            return StageReport.Stage(state: state.name, count: mine.reduce(0) { $0 + $1.count }, by: by)
        }
        return StageReport(workflow: workflowID, asOf: day?.description, stages: stages)
    }

    /// How many cases stand past their due date in each state at `now` (the engine's clock by default), every state
    /// listed in definition order: the count `rsoctl case list --state S --overdue` lists.
    public func overdueCounts(_ workflowID: String, at now: Date? = nil, as actorName: String) async throws -> StageReport {
        _ = try await resolve(actorName)
        let definition = try registry.workflow(workflowID)
        let rows = try await store.overdueCounts(workflow: workflowID, at: now ?? clock.now())
        let stages = definition.states.map { state in
            StageReport.Stage(state: state.name, count: rows.filter { $0.state == state.name }.reduce(0) { $0 + $1.count }, by: nil)
        }
        return StageReport(workflow: workflowID, asOf: nil, stages: stages)
    }

    /// A `by` field must be a field of the workflow, and not personal data: a count per name or document number
    /// identifies people, and metrics never need it.
    func checkSplit(_ field: String?, of definition: WorkflowDefinition) throws(WorkflowError) {
        guard let field else { return }
        guard let found = definition.field(field) else {
            throw WorkflowError(.invalidData, "\(definition.id) has no field \(field) to split by; fields: \(definition.fields.map(\.name).joined(separator: ", "))")
        }
        if found.dataClass == .personal {
            let allowed = definition.fields.filter { $0.dataClass != .personal }.map(\.name)
            throw WorkflowError(.invalidData, "\(field) is personal data and metrics are never split by it; split by: \(allowed.joined(separator: ", "))")
        }
    }

    /// The state must be one of the workflow's.
    func checkState(_ state: String, of definition: WorkflowDefinition) throws(WorkflowError) {
        if definition.state(state) == nil {
            throw WorkflowError(.invalidData, "\(definition.id) has no state \(state); states: \(definition.states.map(\.name).joined(separator: ", "))")
        }
    }
}
