import Foundation

extension Decider {
    /// The largest count one `case record` may add or take away.
    public static let largestOutcomeCount = 1_000_000

    /// The refusal of a count past `largestOutcomeCount`, however it was written (even past what an Int holds).
    public static func implausibleCount(_ text: String) -> WorkflowError {
        WorkflowError(.invalidData, "COUNT \(text.prefix(40)) is implausibly large for one record: give at most \(largestOutcomeCount) (and at least -\(largestOutcomeCount))")
    }

    /// Adds `count` to an outcome counter; a negative count corrects an error and needs a reason.
    public func record(
        _ current: CaseRecord, outcome: String, count: Int, reason: String?, actor: User, at: Date,
        idempotencyKey: String? = nil, requestHash: String? = nil
    ) throws(WorkflowError) -> CaseChange {
        guard let counters = definition.outcomes, counters.names.contains(outcome) else {
            let known = definition.outcomes?.names.joined(separator: ", ")
            throw WorkflowError(.invalidData, "\(outcome) is not an outcome of \(definition.id); "
                + (known.map { "outcomes: \($0)" } ?? "\(definition.id) records no outcomes"))
        }
        guard counters.states.contains(current.state) else {
            throw WorkflowError(.notAllowed, "\(current.reference) is \(current.state): outcomes are recorded only in \(counters.states.joined(separator: ", "))")
        }
        let editors = editingRoles
        guard let role = editors.first(where: actor.holds) else {
            throw forbidden(actor, "record outcomes of \(definition.id) cases", needs: editors)
        }
        let total = current.outcomes[outcome] ?? 0
        if count == 0 { throw WorkflowError(.invalidData, "COUNT must be a whole number other than 0 (negative to correct an error)") }
        // One record is one operation's tally: a count past a million is a typing slip, not a figure.
        if count.magnitude > Decider.largestOutcomeCount.magnitude {  // not abs(): abs(Int.min) traps
            throw Decider.implausibleCount(String(count))
        }
        if count < 0 && (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw WorkflowError(.invalidData, "a correction (negative COUNT) needs --reason saying what was wrong")
        }
        if total + count < 0 {
            throw WorkflowError(.invalidData, "\(outcome) of \(current.reference) is \(total): a correction of \(count) would take it below 0")
        }
        var next = current
        next.outcomes[outcome] = total + count
        next.version = current.version + 1
        next.updatedBy = actor.name
        next.updatedAt = at
        let event = EventRecord(
            caseID: current.id, caseVersion: next.version, kind: .outcome, actor: actor.name, role: role, reason: reason,
            fields: ["outcome": .string(outcome), "count": .int(count)], at: at,
            idempotencyKey: idempotencyKey, requestHash: requestHash)
        return CaseChange(record: next, expectedVersion: current.version, event: event)
    }
}
