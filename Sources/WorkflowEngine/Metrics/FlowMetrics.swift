/// How many cases entered a state in a period (both days included).
public struct FlowReport: Sendable, Hashable {
    public let workflow: String
    public let into: String
    public let from: String
    public let to: String
    public let count: Int
    public let by: [String: Int]?
}

/// Time spent in each state, or from opening to a state, over cases that completed it.
public struct DurationReport: Sendable, Hashable {
    public let workflow: String
    /// With a target state: from opening (the initial state) to first entering it.
    public let toState: String?
    /// Every state of the definition in order (count 0 where no stay ended), or the one target.
    public let durations: [DurationStats]
}

extension Engine {
    /// Distinct cases that entered `state` from the start of `from` to the end of `to` (UTC).
    public func flow(
        _ workflowID: String, into state: String, from: SimpleDate, to: SimpleDate, by field: String? = nil,
        as actorName: String
    ) async throws -> FlowReport {
        _ = try await resolve(actorName)
        let definition = try registry.workflow(workflowID)
        try checkState(state, of: definition)
        try checkSplit(field, of: definition)
        try checkPeriod(from, to)
        let rows = try await store.flow(workflow: workflowID, into: state, from: from.startOfDay, until: to.endOfDay, by: field)
        let by = field.map { _ in Dictionary(rows.map { ($0.value ?? "(unset)", $0.count) }, uniquingKeysWith: +) }
        return FlowReport(workflow: workflowID, into: state, from: from.description, to: to.description,
                          count: rows.reduce(0) { $0 + $1.count }, by: by)
    }

    /// Median and 90th percentile of time in each state, or from opening to `state`.
    public func durations(_ workflowID: String, to state: String? = nil, as actorName: String) async throws -> DurationReport {
        _ = try await resolve(actorName)
        let definition = try registry.workflow(workflowID)
        if let state {
            try checkState(state, of: definition)
            let stats = try await store.durationsToState(workflow: workflowID, state: state)
            return DurationReport(workflow: workflowID, toState: state,
                                  durations: [stats ?? DurationStats(state: state, count: 0, medianSeconds: 0, p90Seconds: 0)])
        }
        let stats = try await store.stageDurations(workflow: workflowID)
        return DurationReport(workflow: workflowID, toState: nil, durations: definition.states.map { state in
            stats.first { $0.state == state.name } ?? DurationStats(state: state.name, count: 0, medianSeconds: 0, p90Seconds: 0)
        })
    }
}
