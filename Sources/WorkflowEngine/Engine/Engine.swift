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
        let request = try await prepare(
            locator, ["advance", transition, reason ?? ""], fields: fields, actorName: actorName,
            expectedVersion: expectedVersion, at: at, idempotencyKey: idempotencyKey,
            latestActorsOf: registry.latestActorsCompared(by: transition))
        guard case .fresh(let actor, let current, let definition, let when, let hash, let context) = request else { return try request.first() }
        let change = try Decider(definition).advance(
            current, transition: transition, fields: fields, reason: reason, actor: actor, at: when,
            latestActors: context.latestActors, parentState: context.parentState,
            idempotencyKey: idempotencyKey, requestHash: idempotencyKey == nil ? nil : hash)
        return try await writing(key: idempotencyKey, hash: hash) { try await apply(change) }
    }

    /// Sets fields on a case without moving it.
    public func update(
        _ locator: CaseLocator, fields: FieldValues, reason: String? = nil, as actorName: String,
        expectedVersion: Int? = nil, at: Date? = nil, idempotencyKey: String? = nil
    ) async throws -> CaseRecord {
        let request = try await prepare(
            locator, ["update", reason ?? ""], fields: fields, actorName: actorName,
            expectedVersion: expectedVersion, at: at, idempotencyKey: idempotencyKey)
        guard case .fresh(let actor, let current, let definition, let when, let hash, _) = request else { return try request.first() }
        let change = try Decider(definition).update(
            current, fields: fields, reason: reason, actor: actor, at: when,
            idempotencyKey: idempotencyKey, requestHash: idempotencyKey == nil ? nil : hash)
        return try await writing(key: idempotencyKey, hash: hash) { try await apply(change) }
    }

    /// Adds `count` to a named outcome counter (negative to correct, with a reason).
    public func record(
        _ locator: CaseLocator, outcome: String, count: Int, reason: String? = nil, as actorName: String,
        at: Date? = nil, idempotencyKey: String? = nil
    ) async throws -> CaseRecord {
        let request = try await prepare(
            locator, ["record", outcome, String(count), reason ?? ""], fields: [:], actorName: actorName,
            expectedVersion: nil, at: at, idempotencyKey: idempotencyKey)
        guard case .fresh(let actor, let current, let definition, let when, let hash, _) = request else { return try request.first() }
        let change = try Decider(definition).record(
            current, outcome: outcome, count: count, reason: reason, actor: actor, at: when,
            idempotencyKey: idempotencyKey, requestHash: idempotencyKey == nil ? nil : hash)
        return try await writing(key: idempotencyKey, hash: hash) { try await apply(change) }
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

    /// The user acting, given what the store found under `name`.
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
        return found
    }

    private func notFound(_ locator: CaseLocator) -> WorkflowError {
        WorkflowError(.notFound, "no case \(locator): give a case reference such as AVRR-2026-000001 or a case UUID (rsoctl case list shows them)")
    }

    // MARK: - Write helpers

    /// A change request checked against the stored case, or the replay of an earlier one with its key.
    private enum PreparedRequest {
        case replay(CaseRecord)
        case fresh(actor: User, current: CaseRecord, definition: WorkflowDefinition, at: Date, hash: String, context: RequestContext)

        /// The first result of a replayed request.
        func first() throws -> CaseRecord {
            guard case .replay(let record) = self else { throw WorkflowError(.conflict, "request was not a replay") }
            return record
        }
    }

    /// What advance and update share: the actor, the replay check, the case, its version and the time, read in one go.
    private func prepare(
        _ locator: CaseLocator, _ parts: [String], fields: FieldValues, actorName: String,
        expectedVersion: Int?, at: Date?, idempotencyKey: String?, latestActorsOf: [String] = []
    ) async throws -> PreparedRequest {
        let hash = idempotencyKey == nil ? "" : RequestFingerprint.of(
            parts + [locator.description, at?.iso8601 ?? "", expectedVersion.map(String.init) ?? ""], fields: fields)
        let context = try await store.context(ContextQuery(
            actor: actorName, idempotencyKey: idempotencyKey, locator: locator, latestActorsOf: latestActorsOf))
        let actor = try actingUser(actorName, found: context.user)
        if let replay = try await replay(context, key: idempotencyKey, hash: hash) { return .replay(replay) }
        guard let current = context.record else { throw notFound(locator) }
        try checkVersion(current, expected: expectedVersion)
        let definition = try registry.workflow(current.workflow)
        return .fresh(actor: actor, current: current, definition: definition,
                      at: try timestamp(at, notBefore: current), hash: hash, context: context)
    }

    private func insert(_ new: NewCase) async throws -> CaseRecord {
        do {
            return try await store.insert(new)
        } catch StoreSignal.uniqueValueTaken {
            throw try await uniqueValueTaken(new.claims, by: nil)
        }
    }

    private func apply(_ change: CaseChange) async throws -> CaseRecord {
        do {
            return try await store.apply(change)
        } catch StoreSignal.uniqueValueTaken {
            throw try await uniqueValueTaken(change.claims, by: change.record.id)
        } catch StoreSignal.versionConflict {
            let now = try await store.findCase(.id(change.record.id))
            throw WorkflowError(
                .conflict,
                "\(change.record.reference) changed while this request was being made (it was at version \(change.expectedVersion), now \(now.map { String($0.version) } ?? "?")); nothing was written: show the case and retry")
        }
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
