import Foundation

extension Decider {
    /// The case as it stood right after the event that made it `version`, rebuilt from its history: what a retried
    /// idempotent request returns, whatever happened to the case since (the first result, not the case as it is now).
    ///
    /// `current` gives what no event changes (id, reference, parent, opening); `history` is the case's, oldest first.
    public func rebuild(_ current: CaseRecord, from history: [EventRecord], through version: Int) -> CaseRecord {
        if current.version == version { return current }
        var record = current
        record.fields = [:]
        record.outcomes = [:]
        record.previousState = nil
        for event in history where event.caseVersion <= version {
            switch event.kind {
            case .opened:
                record.state = event.to ?? record.state
                record.stateEnteredAt = event.at
                record.fields = merging(record.fields, event.fields)
            case .transition:
                record.fields = merging(record.fields, event.fields)
                // A self-loop (extend) stays in its state: its clock and its way back are unchanged, as in `advance`.
                if let to = event.to, to != event.from {
                    record.previousState = event.from
                    record.state = to
                    record.stateEnteredAt = event.at
                }
            case .fieldUpdate, .erasure:
                record.fields = merging(record.fields, event.fields)
            case .outcome:
                // The payload names the counter and the count added; it is never a field of the case.
                if let name = event.fields["outcome"]?.stringValue, let count = event.fields["count"]?.decimalValue {
                    record.outcomes[name, default: 0] += NSDecimalNumber(decimal: count).intValue
                }
            case .note, .assignment:
                break
            }
            record.version = event.caseVersion
            record.updatedBy = event.actor
            record.updatedAt = event.at
            record.chainHead = event.chain
        }
        record.dueAt = dueDate(in: record.state, enteredAt: record.stateEnteredAt, fields: record.fields)
        return record
    }
}
