import Foundation

/// Opens, advances and updates cases: checks with the `Decider`, persists through a `CaseStore`.
///
/// A failed call writes nothing; a successful one writes the case and its event in one transaction.
public struct Engine: Sendable {
    public let registry: WorkflowRegistry
    public let store: any CaseStore
    public let clock: any WorkflowClock
    /// Only the timer runner acts as `system`; no caller can pass that name in.
    var firesTimers = false
    /// Cases this engine wrote and users it found, so that the next change to them needs no read first.
    let recent = RecentCases()

    public init(registry: WorkflowRegistry, store: any CaseStore, clock: any WorkflowClock = SystemClock()) {
        self.registry = registry
        self.store = store
        self.clock = clock
    }

    /// Opens a case in its workflow's initial state.
    public func open(
        _ workflowID: String, fields: FieldValues, parent: CaseLocator? = nil, as actorName: String,
        at: Date? = nil, idempotencyKey: String? = nil
    ) async throws -> CaseRecord {
        let definition = try registry.workflow(workflowID)
        // Only a keyed request is ever compared with an earlier one.
        let hash = idempotencyKey == nil ? "" : RequestFingerprint.of(
            ["open", workflowID, parent?.description ?? "", at?.iso8601 ?? ""], fields: fields)
        let context = try await store.context(ContextQuery(actor: actorName, idempotencyKey: idempotencyKey, locator: parent))
        let actor = try actingUser(actorName, found: context.user)
        if let replay = try await replay(context, key: idempotencyKey, hash: hash) { return replay }
        // A parent that does not exist is bad input to the open, not a missing subject: 65, as for a wrong parent.
        if let parent, context.record == nil {
            throw WorkflowError(.invalidData, "no parent case \(parent): give the reference of an existing \(definition.parentWorkflow ?? "parent") case")
        }
        let parentRecord = parent == nil ? nil : context.record
        let when = try timestamp(at, notBefore: nil)
        let new = try Decider(definition).open(
            id: UUID(), fields: fields, parent: parentRecord, actor: actor, at: when,
            idempotencyKey: idempotencyKey, requestHash: idempotencyKey == nil ? nil : hash)
        return try await writing(key: idempotencyKey, hash: hash) { try await insert(new) }
    }

    /// Moves a case along a transition, setting fields on the way.
    public func advance(
        _ locator: CaseLocator, _ transition: String, fields: FieldValues = [:], reason: String? = nil,
        as actorName: String, expectedVersion: Int? = nil, at: Date? = nil, idempotencyKey: String? = nil
    ) async throws -> CaseRecord {
        let request = ChangeRequest(
            locator: locator, parts: ["advance", transition, reason ?? ""], fields: fields, actorName: actorName,
            expectedVersion: expectedVersion, at: at, idempotencyKey: idempotencyKey,
            readsParent: registry.guardsReadParent(transition))
        return try await change(request) { read, decider in
            try decider.advance(
                read.current, transition: transition, fields: fields, reason: reason, actor: read.actor, at: read.at,
                latestActors: read.latestActors, parentState: read.parentState,
                idempotencyKey: idempotencyKey, requestHash: read.requestHash)
        }
    }

    /// Sets fields on a case without moving it.
    public func update(
        _ locator: CaseLocator, fields: FieldValues, reason: String? = nil, as actorName: String,
        expectedVersion: Int? = nil, at: Date? = nil, idempotencyKey: String? = nil
    ) async throws -> CaseRecord {
        let request = ChangeRequest(
            locator: locator, parts: ["update", reason ?? ""], fields: fields, actorName: actorName,
            expectedVersion: expectedVersion, at: at, idempotencyKey: idempotencyKey, readsParent: false)
        return try await change(request) { read, decider in
            try decider.update(
                read.current, fields: fields, reason: reason, actor: read.actor, at: read.at,
                idempotencyKey: idempotencyKey, requestHash: read.requestHash)
        }
    }

    /// Adds `count` to a named outcome counter (negative to correct, with a reason).
    public func record(
        _ locator: CaseLocator, outcome: String, count: Int, reason: String? = nil, as actorName: String,
        at: Date? = nil, idempotencyKey: String? = nil
    ) async throws -> CaseRecord {
        let request = ChangeRequest(
            locator: locator, parts: ["record", outcome, String(count), reason ?? ""], fields: [:], actorName: actorName,
            expectedVersion: nil, at: at, idempotencyKey: idempotencyKey, readsParent: false)
        return try await change(request) { read, decider in
            try decider.record(
                read.current, outcome: outcome, count: count, reason: reason, actor: read.actor, at: read.at,
                idempotencyKey: idempotencyKey, requestHash: read.requestHash)
        }
    }

    /// A case as it stands now.
    public func show(_ locator: CaseLocator, as actorName: String) async throws -> CaseRecord {
        let context = try await store.context(ContextQuery(actor: actorName, locator: locator))
        _ = try actingUser(actorName, found: context.user)
        guard let record = context.record else { throw notFound(locator) }
        return record
    }

    /// A case and its history, oldest event first.
    public func history(_ locator: CaseLocator, as actorName: String) async throws -> (CaseRecord, [EventRecord]) {
        let record = try await show(locator, as: actorName)
        return (record, try await store.history(of: record.id))
    }

    /// Cases matching the query, oldest first.
    public func list(_ query: CaseQuery, as actorName: String) async throws -> [CaseRecord] {
        _ = try await resolve(actorName)
        if let workflow = query.workflow {
            let definition = try registry.workflow(workflow)
            if let state = query.state, definition.state(state) == nil {
                throw WorkflowError(.invalidData, "\(workflow) has no state \(state); states: \(definition.states.map(\.name).joined(separator: ", "))")
            }
            for (field, _) in query.fieldEquals where definition.field(field) == nil {
                throw WorkflowError(.invalidData, "\(workflow) has no field \(field); fields: \(definition.fields.map(\.name).joined(separator: ", "))")
            }
        }
        return try await store.listCases(query)
    }

    /// Finds a case by UUID or reference; `notFound` if there is none.
    public func find(_ locator: CaseLocator) async throws -> CaseRecord {
        guard let record = try await store.findCase(locator) else { throw notFound(locator) }
        return record
    }

    /// The registered user acting; `system` exists implicitly for timers.
    public func resolve(_ name: String) async throws -> User {
        let found = name == User.systemName ? nil : try await store.user(named: name)
        return try actingUser(name, found: found)
    }

    /// The user acting, given what the store found under `name`; remembered, as users never change.
    private func actingUser(_ name: String, found: User?) throws -> User {
        if name == User.systemName {
            guard firesTimers else {
                throw WorkflowError(.forbidden, "no user can act as system: it only fires the transitions timers name (rsoctl timers run)")
            }
            return User(name: User.systemName, roles: [.system], createdAt: Date(timeIntervalSince1970: 0), createdBy: nil)
        }
        guard let found else {
            throw WorkflowError(.notFound, "no user \(name): users are added with rsoctl users add NAME --role ROLE (rsoctl users list shows them)")
        }
        recent.remember(found)
        return found
    }

    private func notFound(_ locator: CaseLocator) -> WorkflowError {
        WorkflowError(.notFound, "no case \(locator): give a case reference such as AVRR-2026-000001 or a case UUID (rsoctl case list shows them)")
    }

    // MARK: - Write helpers

    /// What advance, update and record share: the case, who asks, and how.
    private struct ChangeRequest {
        let locator: CaseLocator
        let parts: [String]
        let fields: FieldValues
        let actorName: String
        let expectedVersion: Int?
        let at: Date?
        let idempotencyKey: String?
        /// Whether a guard reads the parent case, which no remembered case can answer for.
        let readsParent: Bool

        /// Only a keyed request is ever compared with an earlier one.
        var hash: String {
            idempotencyKey == nil ? "" : RequestFingerprint.of(
                parts + [locator.description, at?.iso8601 ?? "", expectedVersion.map(String.init) ?? ""], fields: fields)
        }
    }

    /// What a change is decided on.
    private struct Read {
        let actor: User
        let current: CaseRecord
        let at: Date
        let parentState: String?
        let latestActors: [String: String]
        let requestHash: String?
    }

    /// Decides a change on the case as last written by this engine when it can, else as read now, and writes it.
    /// A decision on a remembered case that fails, or whose write finds the case moved on, is made again from a fresh
    /// read: every write is conditional on the version it was decided on, so a stale memory never writes anything.
    private func change(_ request: ChangeRequest, decide: (Read, Decider) throws -> CaseChange) async throws -> CaseRecord {
        let hash = request.hash
        if let read = try remembered(request) {
            do {
                let change = try decide(read, Decider(try registry.workflow(read.current.workflow)))
                return try await apply(change, after: read)
            } catch let refusal as WorkflowError where refusal.code != .unavailable {
                // Refused, or found moved on, on what may be an old picture of the case: only a fresh read may refuse.
                recent.forget(read.current.id)
            }
        }
        let context = try await store.context(ContextQuery(
            actor: request.actorName, idempotencyKey: request.idempotencyKey, locator: request.locator))
        let actor = try actingUser(request.actorName, found: context.user)
        if let replay = try await replay(context, key: request.idempotencyKey, hash: hash) { return replay }
        guard let current = context.record else { throw notFound(request.locator) }
        try checkVersion(current, expected: request.expectedVersion)
        let read = Read(
            actor: actor, current: current, at: try timestamp(request.at, notBefore: current), parentState: context.parentState,
            latestActors: context.latestActors, requestHash: request.idempotencyKey == nil ? nil : hash)
        let change = try decide(read, Decider(try registry.workflow(current.workflow)))
        return try await writing(key: request.idempotencyKey, hash: hash) { try await apply(change, after: read) }
    }

    /// The request decided on what this engine last wrote of the case, when nothing needs a fresh read.
    private func remembered(_ request: ChangeRequest) throws -> Read? {
        guard request.idempotencyKey == nil, !request.readsParent, request.actorName != User.systemName,
              let actor = recent.user(request.actorName), let entry = recent.entry(request.locator),
              request.expectedVersion == nil || request.expectedVersion == entry.record.version
        else { return nil }
        return Read(
            actor: actor, current: entry.record, at: try timestamp(request.at, notBefore: entry.record), parentState: nil,
            latestActors: entry.latestActors, requestHash: nil)
    }

    private func insert(_ new: NewCase) async throws -> CaseRecord {
        do {
            let written = try await store.insert(new)
            recent.remember(written, latestActors: [:])
            return written
        } catch StoreSignal.uniqueValueTaken {
            throw try await uniqueValueTaken(new.claims, by: nil)
        }
    }

    private func apply(_ change: CaseChange, after read: Read) async throws -> CaseRecord {
        let written: CaseRecord
        do {
            written = try await store.apply(change)
        } catch StoreSignal.uniqueValueTaken {
            throw try await uniqueValueTaken(change.claims, by: change.record.id)
        } catch StoreSignal.versionConflict {
            let now = try await store.findCase(.id(change.record.id))
            throw WorkflowError(
                .conflict,
                "\(change.record.reference) changed while this request was being made (it was at version \(change.expectedVersion), now \(now.map { String($0.version) } ?? "?")); nothing was written: show the case and retry")
        }
        var latestActors = read.latestActors
        if let transition = change.event.transition { latestActors[transition] = change.event.actor }
        recent.remember(written, latestActors: latestActors)
        return written
    }

    /// Names the unique value another case already holds.
    private func uniqueValueTaken(_ claims: [UniqueClaim], by caseID: UUID?) async throws -> WorkflowError {
        for claim in claims {
            guard let holder = try await store.holder(of: claim), holder.id != caseID else { continue }
            let field = try registry.workflow(claim.workflow).field(claim.field)
            let value = field?.dataClass.isProtected == false ? " '\(holder.fields[claim.field]?.plainText ?? claim.value)'" : ""
            let scope = field?.unique == .whileOpen ? " while it is open" : ""
            return WorkflowError(.invalidData, "\(claim.field)\(value) is already used by \(holder.reference)\(scope): \(claim.workflow) allows one case per \(claim.field)")
        }
        return WorkflowError(.conflict, "a unique value was taken while this request was being made; nothing was written: retry")
    }

    /// Runs a write; a lost race on the idempotency key replays the winner's result.
    private func writing(key: String?, hash: String, _ write: () async throws -> CaseRecord) async throws -> CaseRecord {
        do {
            return try await write()
        } catch StoreSignal.idempotencyKeyTaken {
            guard let key, let replay = try await replay(key: key, hash: hash) else { throw WorkflowError(.conflict, "idempotency key race") }
            return replay
        }
    }

    /// The first result for a key already used with the same request; an error for a different request.
    private func replay(key: String, hash: String) async throws -> CaseRecord? {
        let earlier = try await store.idempotentRequest(key: key)
        return try await replay(RequestContext(user: nil, earlier: earlier, record: nil, parentState: nil, latestActors: [:]),
                                key: key, hash: hash)
    }

    private func replay(_ context: RequestContext, key: String?, hash: String) async throws -> CaseRecord? {
        guard let key, let first = context.earlier else { return nil }
        guard first.requestHash == hash else {
            throw WorkflowError(.invalidData, "idempotency key \(key) was already used for a different request; use a new key for a new request")
        }
        if let record = context.record, record.id == first.caseID { return record }
        return try await find(.id(first.caseID))
    }

    private func checkVersion(_ current: CaseRecord, expected: Int?) throws(WorkflowError) {
        if let expected, expected != current.version {
            throw WorkflowError(.conflict, "\(current.reference) is at version \(current.version), not \(expected): it changed since you read it; show it again and retry")
        }
    }

    /// The action's time: now, or a back-dated `at` that may not precede the case's latest event.
    private func timestamp(_ at: Date?, notBefore current: CaseRecord?) throws(WorkflowError) -> Date {
        let now = clock.now().storagePrecision
        guard let at = at?.storagePrecision else { return max(now, current?.updatedAt ?? now) }
        if at > now {
            throw WorkflowError(.invalidData, "--at \(at.iso8601) is in the future; back-dating only goes back (now is \(now.iso8601))")
        }
        if let current, at < current.updatedAt {
            throw WorkflowError(.invalidData, "--at \(at.iso8601) is before \(current.reference)'s latest event at \(current.updatedAt.iso8601); history stays in order: give a time at or after it")
        }
        return at
    }
}
