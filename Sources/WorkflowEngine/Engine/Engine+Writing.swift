import Foundation

/// How a write is made: what advance, update and record share, deciding on a remembered case when possible, the
/// conditional write, lost races, unique values and idempotency keys.
extension Engine {
    /// What advance, update and record share: the case, who asks, and how.
    struct ChangeRequest {
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
                actor: actorName, parts + [locator.description, at?.iso8601 ?? "", expectedVersion.map(String.init) ?? ""], fields: fields)
        }
    }

    /// What a change is decided on.
    struct Read {
        let actor: User
        let current: CaseRecord
        let at: Date
        let parentState: String?
        let latestActors: [String: String]
        let requestHash: String?
    }

    /// How many times a change without an expected version is decided and written before a conflict is reported.
    static let attemptsOnLostRace = 5

    /// Decides a change on the case as last written by this engine when it can, else as read now, and writes it.
    /// A decision on a remembered case that fails, or whose write finds the case moved on, is made again from a fresh
    /// read: every write is conditional on the version it was decided on, so a stale memory never writes anything.
    /// Without an expected version the caller asked for no version check, so a write that finds the case moved on
    /// meanwhile is decided again on the case as the other writer left it (a bounded number of times).
    func change(_ request: ChangeRequest, decide: (Read, Decider) throws -> CaseChange) async throws -> CaseRecord {
        try IdempotencyKey.check(request.idempotencyKey)
        let hash = request.hash
        if let read = try remembered(request) {
            do {
                let change = try decide(read, Decider(try registry.workflow(read.current.workflow)))
                return try shown(try await apply(change, after: read), to: read.actor)
            } catch let refusal as WorkflowError where refusal.code != .unavailable {
                // Refused on what may be an old picture of the case: only a fresh read may refuse.
                recent.forget(read.current.id)
            } catch StoreSignal.versionConflict {
                // The case moved on, or its user was disabled or changed roles: decide again on both as they are.
                recent.forget(read.current.id)
                recent.forget(user: read.actor.name)
            }
        }
        // One connection for the read and the write (and any retry), so the request waits for the pool only once.
        return try await onOneConnection { engine in try await engine.decidedOnFreshRead(request, hash: hash, decide: decide) }
    }

    /// `change` on the case, the user and the key as they are now, decided again on a lost race.
    private func decidedOnFreshRead(
        _ request: ChangeRequest, hash: String, decide: (Read, Decider) throws -> CaseChange
    ) async throws -> CaseRecord {
        var attempt = 1
        while true {
            let context = try await context(ContextQuery(
                actor: request.actorName, idempotencyKey: request.idempotencyKey, locator: request.locator))
            let actor = try actingUser(request.actorName, found: context.user)
            if let replay = try await replay(context, key: request.idempotencyKey, hash: hash) { return try shown(replay, to: actor) }
            guard let current = context.record else { throw notFound(request.locator) }
            try checkVersion(current, expected: request.expectedVersion)
            let read = Read(
                actor: actor, current: current, at: try timestamp(request.at, notBefore: current), parentState: context.parentState,
                latestActors: context.latestActors, requestHash: request.idempotencyKey == nil ? nil : hash)
            let change = try decide(read, Decider(try registry.workflow(current.workflow)))
            do {
                return try shown(try await writing(key: request.idempotencyKey, hash: hash) { try await apply(change, after: read) }, to: read.actor)
            } catch StoreSignal.versionConflict {
                guard request.expectedVersion == nil, attempt < Self.attemptsOnLostRace else { throw try await conflict(change) }
                attempt += 1
            }
        }
    }

    /// This engine with a store whose every call uses one connection, leased once (`CaseStore.onOneConnection`).
    func onOneConnection<T: Sendable>(_ body: (Engine) async throws -> T) async throws -> T {
        try await store.onOneConnection { store in
            var engine = self
            engine.store = store
            return try await body(engine)
        }
    }

    /// The request decided on what this engine last wrote of the case and found of the user, when nothing needs a
    /// fresh read. Its write lands only if the user is still enabled with the roles remembered (`apply`).
    func remembered(_ request: ChangeRequest) throws -> Read? {
        guard request.idempotencyKey == nil, !request.readsParent, request.actorName != User.systemName,
              let actor = recent.user(request.actorName), let entry = recent.entry(request.locator),
              request.expectedVersion == nil || request.expectedVersion == entry.record.version
        else { return nil }
        return Read(
            actor: actor, current: entry.record, at: try timestamp(request.at, notBefore: entry.record), parentState: nil,
            latestActors: entry.latestActors, requestHash: nil)
    }

    func insert(_ new: NewCase) async throws -> CaseRecord {
        do {
            let sealedNew = try sealed(new)
            let written = unsealed(try await seenThrough { [store] in try await store.insert(sealedNew) }, as: new.record)
            recent.remember(written, latestActors: [:])
            return written
        } catch StoreSignal.uniqueValueTaken {
            throw try await uniqueValueTaken(new.claims, by: nil)
        }
    }

    /// Writes a change decided on `read`; a case found moved on is `StoreSignal.versionConflict`, for the caller to
    /// decide again or report.
    func apply(_ change: CaseChange, after read: Read) async throws -> CaseRecord {
        let written: CaseRecord
        var change = change
        // The write lands only if its user is still as this decision saw them (the system user is in no table).
        if read.actor.name != User.systemName { change.actorRoles = read.actor.roles }
        do {
            let sealedChange = try sealed(change)
            written = unsealed(try await seenThrough { [store] in try await store.apply(sealedChange) }, as: change.record)
        } catch StoreSignal.uniqueValueTaken {
            // A value this case claimed before (a name it once had, never to be reused) is still its own to take back.
            var own: [UniqueClaim] = []
            for claim in change.claims {
                if try await store.holder(of: claim)?.id == change.record.id { own.append(claim) }
            }
            guard own.isEmpty else {
                var rest = change
                rest.claims.removeAll { own.contains($0) }
                return try await apply(rest, after: read)
            }
            throw try await uniqueValueTaken(change.claims, by: change.record.id)
        }
        var latestActors = read.latestActors
        if let transition = change.event.transition { latestActors[transition] = change.event.actor }
        recent.remember(written, latestActors: latestActors)
        return written
    }

    /// Runs a write to its answer even when the caller is cancelled (a request past its deadline, a server stopping).
    ///
    /// Why: a driver abandons the wait for a statement's answer on cancellation, but the statement, once sent, runs on
    /// in the database and may commit; the caller would then report a failure for a write that landed. Seen through,
    /// the write's own answer (bounded by the database's lock and statement timeouts) is what the caller reports.
    func seenThrough<T: Sendable>(_ write: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Task { try await write() }.value
    }

    /// The refusal for a change whose case moved on before it could be written.
    func conflict(_ change: CaseChange) async throws -> WorkflowError {
        let now = try await store.findCase(.id(change.record.id))
        return WorkflowError(
            .conflict,
            "\(change.record.reference) changed while this request was being made (it was at version \(change.expectedVersion), now \(now.map { String($0.version) } ?? "?")); nothing was written: show the case and retry")
    }

    /// Names the unique value another case already holds.
    func uniqueValueTaken(_ claims: [UniqueClaim], by caseID: UUID?) async throws -> WorkflowError {
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
    func writing(key: String?, hash: String, _ write: () async throws -> CaseRecord) async throws -> CaseRecord {
        do {
            return try await write()
        } catch StoreSignal.idempotencyKeyTaken {
            guard let key, let replay = try await replay(key: key, hash: hash) else { throw WorkflowError(.conflict, "idempotency key race") }
            return replay
        }
    }

    /// The first result for a key already used with the same request; an error for a different request.
    func replay(key: String, hash: String) async throws -> CaseRecord? {
        let earlier = try await store.idempotentRequest(key: key)
        return try await replay(RequestContext(user: nil, earlier: earlier, record: nil, parentState: nil, latestActors: [:]),
                                key: key, hash: hash)
    }

    /// The first result of a keyed request already made: the case as that request left it, rebuilt from the history
    /// up to its event, whatever happened to the case since. Whoever listens to `replays` hears of it.
    func replay(_ context: RequestContext, key: String?, hash: String) async throws -> CaseRecord? {
        guard let key, let first = context.earlier else { return nil }
        guard first.requestHash == hash else {
            throw WorkflowError(.invalidData, "idempotency key \(InputText.quoted(key)) was already used for a different request (other values, or another user's); use a new key for a new request")
        }
        let now: CaseRecord
        if let record = context.record, record.id == first.caseID { now = record } else { now = try await find(.id(first.caseID)) }
        let history = try await storedHistory(of: now)
        guard let event = history.last(where: { $0.idempotencyKey == key }) else { return now }
        let result = Decider(try registry.workflow(now.workflow)).rebuild(now, from: history, through: event.caseVersion)
        replays?(Replay(key: key, reference: result.reference, firstMadeAt: event.at, version: result.version))
        return result
    }

    func checkVersion(_ current: CaseRecord, expected: Int?) throws(WorkflowError) {
        if let expected, expected != current.version {
            throw WorkflowError(.conflict, "\(current.reference) is at version \(current.version), not \(expected): it changed since you read it; show it again and retry")
        }
    }

    /// The action's time: now, or a back-dated `at` that may not precede the case's latest event.
    func timestamp(_ at: Date?, notBefore current: CaseRecord?) throws(WorkflowError) -> Date {
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
