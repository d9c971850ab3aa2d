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
    /// How many cases stand in each state now, optionally split by a field.
    public func stageCounts(_ workflowID: String, by field: String? = nil, as actorName: String) async throws -> StageReport {
        _ = try await resolve(actorName)
        let definition = try registry.workflow(workflowID)
        if let field, definition.field(field) == nil {
            throw WorkflowError(.invalidData, "\(workflowID) has no field \(field) to split by; fields: \(definition.fields.map(\.name).joined(separator: ", "))")
        }
        let rows = try await store.stageCounts(workflow: workflowID, by: field)
        let stages = definition.states.map { state in
            let mine = rows.filter { $0.state == state.name }
            let by = field.map { _ in
                Dictionary(mine.map { ($0.value ?? "(unset)", $0.count) }, uniquingKeysWith: +)
            }
            return StageReport.Stage(state: state.name, count: mine.reduce(0) { $0 + $1.count }, by: by)
        }
        return StageReport(workflow: workflowID, asOf: nil, stages: stages)
    }
}
