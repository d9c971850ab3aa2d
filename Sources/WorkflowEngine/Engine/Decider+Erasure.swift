import Foundation

extension Decider {
    /// Erases a case's personal data: each personal field still holding a value is set to `CaseSealing.erased` and
    /// the case's key is dropped, so the values sealed under it in the history can no longer be opened. States,
    /// dates, outcomes and sensitive values stay: metrics do not change. Only the data-protection role erases, and
    /// `system` when the retention period has passed (`Engine.runRetention`).
    public func erase(_ current: CaseRecord, reason: String?, actor: User, at: Date) throws(WorkflowError) -> CaseChange {
        guard actor.holds(.dataProtection) || actor.name == User.systemName else {
            throw forbidden(actor, "erase personal data", needs: [.dataProtection])
        }
        guard let reason, !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw WorkflowError(.usage, "an erasure needs --reason saying why (a data subject's request, the retention period)")
        }
        let erased = FieldValues(uniqueKeysWithValues: definition.fields.compactMap { field in
            guard field.dataClass == .personal, let value = current.fields[field.name], value != .null, value != CaseSealing.erased
            else { return nil }
            return (field.name, CaseSealing.erased)
        })
        guard current.holdsPersonalData(in: definition) else {
            throw WorkflowError(.notAllowed, "\(current.reference) holds no personal data to erase (already erased, or none was entered)")
        }
        var next = current
        next.fields = merging(current.fields, erased)
        next.caseKey = nil
        next.version = current.version + 1
        next.updatedBy = actor.name
        next.updatedAt = at
        let event = EventRecord(
            caseID: current.id, caseVersion: next.version, kind: .erasure, actor: actor.name,
            role: actor.name == User.systemName ? .system : .dataProtection,
            reason: reason, fields: erased, at: at, idempotencyKey: nil, requestHash: nil)
        return CaseChange(record: next, expectedVersion: current.version, event: event)
    }
}

extension CaseRecord {
    /// Whether the case still holds personal data to erase: a key, or a personal value neither unset nor erased.
    public func holdsPersonalData(in definition: WorkflowDefinition) -> Bool {
        caseKey != nil || definition.fields.contains { field in
            guard field.dataClass == .personal, let value = fields[field.name] else { return false }
            return value != .null && value != CaseSealing.erased
        }
    }
}
