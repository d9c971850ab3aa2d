import WorkflowEngine

/// The questions as a manager asks them: through the engine's public API, as `rsoctl metrics` does.
struct EngineMetrics: Sendable {
    let engine: Engine
    let actor = "bench-manager"
    var workflow: String { DatasetShape.workflow.id }

    /// `metrics stages`, or `metrics stages --as-of DAY`.
    func stages(asOf day: SimpleDate? = nil) async throws -> Answer {
        let report = try await engine.stageCounts(workflow, asOf: day, as: actor)
        return .counts(Dictionary(uniqueKeysWithValues: report.stages.filter { $0.count > 0 }.map { ($0.state, $0.count) }))
    }

    /// `metrics flow --into STATE --from A --to B`.
    func flow(into state: String, from: SimpleDate, to: SimpleDate) async throws -> Answer {
        .total(try await engine.flow(workflow, into: state, from: from, to: to, as: actor).count)
    }

    /// `metrics outcomes jpa.operation --from A --to B`: the totals recorded in the period (counters at 0 left out).
    func outcomes(from: SimpleDate, to: SimpleDate) async throws -> Answer {
        let report = try await engine.outcomeTotals(DatasetShape.operations.id, from: from, to: to, as: actor)
        return .counts(report.totals.filter { $0.value > 0 })
    }

    /// `metrics durations`, or `metrics durations --to STATE`.
    func durations(to state: String? = nil) async throws -> Answer {
        let report = try await engine.durations(workflow, to: state, as: actor)
        return .durations(Dictionary(uniqueKeysWithValues: report.durations.filter { $0.count > 0 }.map {
            ($0.state, DurationFigures(count: $0.count, median: $0.medianSeconds, p90: $0.p90Seconds))
        }))
    }
}
