import Foundation

/// Where personal data is sealed and opened (`CaseSealing`): on its way into a store and on its way out, so that the
/// decisions, the redaction and every reader see values, and the stores only ever hold them sealed.
extension Engine {
    /// What a request reads before its decision, with its case opened.
    func context(_ query: ContextQuery) async throws -> RequestContext {
        var context = try await store.context(query)
        if let record = context.record { context.record = try sealing.opened(record) }
        return context
    }

    /// A case as stored, opened; nil if there is none.
    func stored(_ locator: CaseLocator) async throws -> CaseRecord? {
        try await store.findCase(locator).map { try sealing.opened($0) }
    }

    /// Cases matching `query`, opened.
    func stored(_ query: CaseQuery) async throws -> [CaseRecord] {
        try await store.listCases(query).map { try sealing.opened($0) }
    }

    /// The history of `record` (as read, opened or not), oldest first, opened under its key.
    func storedHistory(of record: CaseRecord) async throws -> [EventRecord] {
        try sealing.opened(try await store.history(of: record.id), of: record)
    }

    /// `new` as the store writes it; `remembering` what was sealed for the case's next change (not for an import).
    func sealed(_ new: NewCase, remembering: Bool = true) throws -> NewCase {
        var sealed = new
        (sealed.record, sealed.event) = try sealing.sealed(
            new.record, new.event, in: try registry.workflow(new.record.workflow), remembering: remembering)
        return sealed
    }

    /// `change` as the store writes it.
    func sealed(_ change: CaseChange) throws -> CaseChange {
        var sealed = change
        (sealed.record, sealed.event) = try sealing.sealed(
            change.record, change.event, in: try registry.workflow(change.record.workflow), remembering: true)
        return sealed
    }

    /// What the store wrote, with the values as decided rather than as sealed.
    func unsealed(_ written: CaseRecord, as decided: CaseRecord) -> CaseRecord {
        var record = written
        record.fields = decided.fields
        return record
    }

    /// Erases a case's personal data (`Decider.erase`): only the data-protection role, with a reason. The case keeps
    /// its states, dates, outcomes and sensitive values; its history records the erasure and still verifies.
    public func erase(_ locator: CaseLocator, reason: String?, as actorName: String, at: Date? = nil) async throws -> CaseRecord {
        try InputText.check(reason: reason)
        let request = ChangeRequest(
            locator: locator, parts: ["erase", reason ?? ""], fields: [:], actorName: actorName,
            expectedVersion: nil, at: at, idempotencyKey: nil, readsParent: false)
        let erased = try await change(request) { read, decider in
            try decider.erase(read.current, reason: reason, actor: read.actor, at: read.at)
        }
        sealing.forgetRemembered()
        return erased
    }
}
