import Foundation

/// What one retention run erased, case by case.
public struct RetentionRun: Sendable {
    /// A case whose personal data was (or, in a dry run, would be) erased.
    public struct Due: Sendable {
        public let reference: String
        public let workflow: String
        /// The final state the case reached, and when.
        public let state: String
        public let finalSince: Date
        public let keptDays: Int
    }

    /// The run's clock: what "due" was measured against.
    public let now: Date
    public var dryRun = false
    public var erased: [Due] = []
    /// Due cases another run (or a person) erased or changed first.
    public var skipped: [Due] = []
}

extension Engine {
    /// Erases, as `system`, the personal data of every case that reached a final state more than its workflow's
    /// `personalDataKeptDays` before `now` (`keptDays` overrides a workflow's period for this run).
    ///
    /// Several runs may go at once: each erasure is written only if the case is still at the version it was decided
    /// on, so a case is erased once, and the run that loses the race lists it as skipped. A `dryRun` writes nothing.
    public func runRetention(now: Date, dryRun: Bool = false, keptDays overrides: [String: Int] = [:]) async throws -> RetentionRun {
        let now = now.storagePrecision
        let wallClock = clock.now().storagePrecision
        if now > wallClock {
            throw WorkflowError(.usage, "--now \(now.iso8601) is in the future (it is \(wallClock.iso8601)): retention erases what is due by now or earlier")
        }
        for (workflow, days) in overrides {
            _ = try registry.workflow(workflow)
            guard days >= 0 else { throw WorkflowError(.usage, "--keep-days \(workflow)=\(days): give a number of days from 0") }
        }
        let system = acting(asSystemAt: now)
        var run = RetentionRun(now: now, dryRun: dryRun)
        for definition in registry.workflows {
            guard let days = overrides[definition.id] ?? definition.personalDataKeptDays else { continue }
            let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
            for state in definition.states where state.kind == .terminal {
                // Read as stored: whether a case holds personal data is plain without opening a value.
                let cases = try await store.listCases(CaseQuery(workflow: definition.id, state: state.name, limit: Int.max))
                for record in cases where record.stateEnteredAt <= cutoff && record.holdsPersonalData(in: definition) {
                    let due = RetentionRun.Due(reference: record.reference, workflow: definition.id, state: state.name,
                                               finalSince: record.stateEnteredAt, keptDays: days)
                    // A case changed after the run's clock is left to a run at a later clock: history stays in order.
                    if record.updatedAt > now { run.skipped.append(due); continue }
                    if dryRun { run.erased.append(due); continue }
                    do {
                        _ = try await system.erase(
                            .id(record.id), reason: "retention: personal data is kept \(days) days after \(state.name)",
                            as: User.systemName, at: now)
                        run.erased.append(due)
                    } catch let error as WorkflowError where error.code == .conflict || error.code == .notAllowed {
                        run.skipped.append(due)
                    }
                }
            }
        }
        return run
    }
}
