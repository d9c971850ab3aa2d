import Foundation

/// A keyed request answered with its first result instead of being applied again.
public struct Replay: Sendable, Hashable {
    public let key: String
    public let reference: String
    /// When the first request was made (its event's time).
    public let firstMadeAt: Date
    /// The case's version as the first request left it.
    public let version: Int
}

/// Opens, advances and updates cases: checks with the `Decider`, persists through a `CaseStore`.
///
/// A failed call writes nothing; a successful one writes the case and its event in one transaction.
public struct Engine: Sendable {
    public let registry: WorkflowRegistry
    public internal(set) var store: any CaseStore
    public let clock: any WorkflowClock
    /// Seals personal values on their way into the store and opens them on their way out.
    public let sealing: CaseSealing
    /// Only the timer runner acts as `system`; no caller can pass that name in.
    var firesTimers = false
    /// Cases this engine wrote and users it found, so that the next change to them needs no read first (each such
    /// write lands only if its user is still as remembered).
    let recent = RecentCases()

    /// Told of every replayed request, so that a front end can say it shows a first result, not a new one (rsoctl
    /// says so on stderr). A property rather than a task-local value: a release build of rsoctl binding a
    /// `@TaskLocal` of this module crashed in `swift_task_localValuePush` (Swift 6.3) on every write.
    public var replays: (@Sendable (Replay) -> Void)?

    public init(registry: WorkflowRegistry, store: any CaseStore, sealing: CaseSealing, clock: any WorkflowClock = SystemClock(),
                replays: (@Sendable (Replay) -> Void)? = nil) {
        self.registry = registry
        self.store = store
        self.sealing = sealing
        self.clock = clock
        self.replays = replays
    }

    /// Opens a case in its workflow's initial state.
    public func open(
        _ workflowID: String, fields: FieldValues, parent: CaseLocator? = nil, as actorName: String,
        at: Date? = nil, idempotencyKey: String? = nil
    ) async throws -> CaseRecord {
        let definition = try registry.workflow(workflowID)
        try IdempotencyKey.check(idempotencyKey)
        // Only a keyed request is ever compared with an earlier one.
        let hash = idempotencyKey == nil ? "" : RequestFingerprint.of(
            actor: actorName, ["open", workflowID, parent?.description ?? "", at?.iso8601 ?? ""], fields: fields)
        // One connection for the read and the write, so the request waits for the pool only once.
        return try await onOneConnection { engine in
            try await engine.open(definition, fields: fields, parent: parent, as: actorName, at: at, idempotencyKey: idempotencyKey, hash: hash)
        }
    }

    private func open(
        _ definition: WorkflowDefinition, fields: FieldValues, parent: CaseLocator?, as actorName: String, at: Date?,
        idempotencyKey: String?, hash: String
    ) async throws -> CaseRecord {
        let context = try await context(ContextQuery(actor: actorName, idempotencyKey: idempotencyKey, locator: parent))
        let actor = try actingUser(actorName, found: context.user)
        if let replay = try await replay(context, key: idempotencyKey, hash: hash) { return try shown(replay, to: actor) }
        // A parent that does not exist is bad input to the open, not a missing subject: 65, as for a wrong parent.
        if let parent, context.record == nil {
            throw WorkflowError(.invalidData, "no parent case \(parent): give the reference of an existing \(definition.parentWorkflow ?? "parent") case")
        }
        let parentRecord = parent == nil ? nil : context.record
        let when = try timestamp(at, notBefore: nil)
        let new = try Decider(definition).open(
            id: UUID(), fields: fields, parent: parentRecord, actor: actor, at: when,
            idempotencyKey: idempotencyKey, requestHash: idempotencyKey == nil ? nil : hash)
        return try shown(try await writing(key: idempotencyKey, hash: hash) { try await insert(new) }, to: actor)
    }

    /// Moves a case along a transition, setting fields on the way.
    public func advance(
        _ locator: CaseLocator, _ transition: String, fields: FieldValues = [:], reason: String? = nil,
        as actorName: String, expectedVersion: Int? = nil, at: Date? = nil, idempotencyKey: String? = nil
    ) async throws -> CaseRecord {
        try InputText.check(reason: reason)
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
        try InputText.check(reason: reason)
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
        try InputText.check(reason: reason)
        let request = ChangeRequest(
            locator: locator, parts: ["record", outcome, String(count), reason ?? ""], fields: [:], actorName: actorName,
            expectedVersion: nil, at: at, idempotencyKey: idempotencyKey, readsParent: false)
        return try await change(request) { read, decider in
            try decider.record(
                read.current, outcome: outcome, count: count, reason: reason, actor: read.actor, at: read.at,
                idempotencyKey: idempotencyKey, requestHash: read.requestHash)
        }
    }

    /// A case as it stands now, as the actor may see it (`Redaction`); logged when it shows protected values.
    public func show(_ locator: CaseLocator, as actorName: String, purpose: String? = nil) async throws -> CaseRecord {
        try checkPurpose(purpose)
        let (record, actor) = try await read(locator, as: actorName)
        try await logAccess("show", of: [(record, [record.fields])], as: actor, purpose: purpose)
        return try shown(record, to: actor)
    }

    /// A case and its history, oldest event first, as the actor may see them; logged when they show protected values.
    public func history(_ locator: CaseLocator, as actorName: String, purpose: String? = nil) async throws -> (CaseRecord, [EventRecord]) {
        try checkPurpose(purpose)
        let (record, actor) = try await read(locator, as: actorName)
        let definition = try registry.workflow(record.workflow)
        let events = try await storedHistory(of: record)
        try await logAccess("history", of: [(record, [record.fields] + events.filter(\.kind.setsFields).map(\.fields))], as: actor, purpose: purpose)
        return (try shown(record, to: actor), events.map { Redaction.event($0, in: definition, as: actor) })
    }

    /// A case as stored (unredacted), and who asks.
    private func read(_ locator: CaseLocator, as actorName: String) async throws -> (record: CaseRecord, actor: User) {
        let context = try await context(ContextQuery(actor: actorName, locator: locator))
        let actor = try actingUser(actorName, found: context.user)
        guard let record = context.record else { throw notFound(locator) }
        return (record, actor)
    }

    /// `record` as `user` may see it.
    func shown(_ record: CaseRecord, to user: User) throws -> CaseRecord {
        Redaction.record(record, in: try registry.workflow(record.workflow), as: user)
    }

    /// Cases matching the query, oldest first.
    public func list(_ query: CaseQuery, as actorName: String, purpose: String? = nil) async throws -> [CaseRecord] {
        try checkPurpose(purpose)
        let actor = try await resolve(actorName)
        if let workflow = query.workflow {
            let definition = try registry.workflow(workflow)
            if let state = query.state, definition.state(state) == nil {
                throw WorkflowError(.invalidData, "\(workflow) has no state \(state); states: \(definition.states.map(\.name).joined(separator: ", "))")
            }
        }
        for (name, _) in query.fieldEquals {
            // Filtering on a value one may not see would tell it, one guess at a time.
            for definition in registry.workflows where query.workflow == nil || query.workflow == definition.id {
                if let field = definition.field(name), !Redaction.sees(field.dataClass, in: definition, as: actor) {
                    throw WorkflowError(.forbidden, "\(actorName) may not filter on \(name): its values are \(field.dataClass.rawValue) data, which \(actorName)'s roles do not see in \(definition.id)")
                }
            }
        }
        let found = try await stored(try typedFilters(query))
        // The selection is recorded by its shape: a filter's value may itself be personal data.
        let selection = ["list", query.workflow.map { "--workflow \($0)" }, query.state.map { "--state \($0)" }]
            .compactMap { $0 } + query.fieldEquals.map { "--field \($0.0)=…" }
        try await logAccess("list", of: found.map { ($0, [$0.fields]) }, as: actor, query: selection.joined(separator: " "), purpose: purpose)
        return try found.map { try shown($0, to: actor) }
    }

    /// Finds a case by UUID or reference; `notFound` if there is none.
    public func find(_ locator: CaseLocator) async throws -> CaseRecord {
        guard let record = try await stored(locator) else { throw notFound(locator) }
        return record
    }

    /// The registered user acting; `system` exists implicitly for timers.
    public func resolve(_ name: String) async throws -> User {
        let found = name == User.systemName ? nil : try await store.user(named: name)
        return try actingUser(name, found: found)
    }

    /// The user acting, given what the store read under `name` for this request. Remembered only to decide the next
    /// change to a remembered case, whose write lands only if the user is still enabled with the same roles.
    func actingUser(_ name: String, found: User?) throws -> User {
        if name == User.systemName {
            guard firesTimers else {
                throw WorkflowError(.forbidden, "no user can act as system: it only fires the transitions timers name (rsoctl timers run)")
            }
            return User.system
        }
        guard let found else {
            throw WorkflowError(.notFound, "no user \(name): users are added with rsoctl users add NAME --role ROLE (rsoctl users list shows them)")
        }
        guard found.isEnabled else {
            recent.forget(user: name)
            try Self.refuseIfDisabled(found)
            return found
        }
        recent.remember(found)
        return found
    }

    func notFound(_ locator: CaseLocator) -> WorkflowError {
        WorkflowError(.notFound, "no case \(InputText.quoted(locator.description)): give a case reference such as AVRR-2026-000001 or a case UUID (rsoctl case list shows them)")
    }
}
