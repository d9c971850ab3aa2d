import Foundation

/// Decides what a request writes, without touching storage: the engine's pure core.
///
/// Checks run in the documented order: the transition leaves the current state (67),
/// the actor holds a role (69), the fields are valid (65), every guard holds (68).
public struct Decider: Sendable {
    public let definition: WorkflowDefinition

    public init(_ definition: WorkflowDefinition) {
        self.definition = definition
    }

    /// A new case in the initial state with its `opened` event.
    public func open(
        id: UUID, fields input: FieldValues, parent: CaseRecord? = nil, actor: User, at: Date,
        idempotencyKey: String? = nil, requestHash: String? = nil
    ) throws(WorkflowError) -> NewCase {
        guard let initial = definition.initialState else {
            throw WorkflowError(.notAllowed, "workflow \(definition.id) has no initial state")
        }
        try checkParent(parent)
        let openers = openingRoles
        guard let role = openers.first(where: actor.holds) else {
            throw forbidden(actor, "open \(Article.a(definition.id)) case", needs: openers)
        }
        let fields = try validatedChanges(input).filter { $0.value != .null }
        let missing = definition.fields.filter { $0.requiredAtOpen && !(fields[$0.name]?.isPresent ?? false) }
        if !missing.isEmpty {
            throw WorkflowError(
                .invalidData, "cannot open \(Article.a(definition.id)) case: required fields missing",
                details: missing.map { "\($0.name) (\($0.type.name)) is required at open: add --field \($0.name)=VALUE" })
        }
        try checkModuleRules(fields, changed: fields)
        let record = CaseRecord(
            id: id, reference: "", workflow: definition.id, definitionVersion: definition.version,
            state: initial.name, previousState: nil, stateEnteredAt: at, version: 1, fields: fields,
            parentID: parent?.id, assignee: nil, dueAt: dueDate(in: initial.name, enteredAt: at, fields: fields),
            createdBy: actor.name, createdAt: at, updatedBy: actor.name, updatedAt: at)
        let event = EventRecord(
            caseID: id, caseVersion: 1, kind: .opened, to: initial.name, actor: actor.name, role: role,
            reason: nil, fields: fields, at: at, idempotencyKey: idempotencyKey, requestHash: requestHash)
        return NewCase(record: record, event: event,
                       claims: uniqueChanges(from: [:], to: fields, stateAfter: initial.name).claims,
                       referencePrefix: definition.referencePrefix,
                       referenceYear: Int(at.utcDay.year))
    }

    /// Moves the case along `transitionName`, setting the given fields.
    public func advance(
        _ current: CaseRecord, transition transitionName: String, fields input: FieldValues, reason: String?,
        actor: User, at: Date, latestActors: [String: String] = [:], parentState: String? = nil,
        idempotencyKey: String? = nil, requestHash: String? = nil
    ) throws(WorkflowError) -> CaseChange {
        guard let transition = definition.transition(transitionName, from: current.state) else {
            throw notAllowed(transitionName, in: current)
        }
        let role = try role(of: actor, for: transition, in: current.state)
        let changes = try validatedChanges(input)
        try checkSettable(changes, by: transition, in: current)
        try checkRequired(changes, of: current)
        let merged = merging(current.fields, changes)
        try checkModuleRules(merged, changed: changes)
        let context = GuardContext(fields: merged, previousFields: current.fields, reason: reason, actor: actor.name,
                                   latestActors: latestActors, outcomes: current.outcomes, parentState: parentState)
        let unmet = transition.guards.filter { !$0.holds(in: context) }
        if !unmet.isEmpty {
            throw WorkflowError(
                .guardFailed,
                "cannot \(transition.name) \(current.reference): \(unmet.count) guard\(unmet.count == 1 ? "" : "s") unmet",
                details: unmet.map(\.unmetHint))
        }
        let target: String
        switch transition.to {
        case .state(let name): target = name
        case .previous:
            guard let previous = current.previousState else {
                throw WorkflowError(.notAllowed, "cannot \(transition.name) \(current.reference): it has no previous state to return to")
            }
            target = previous
        }
        var next = current
        // A self-loop (extend) stays in its state: its clock and its way back are unchanged.
        if target != current.state {
            next.state = target
            next.previousState = current.state
            next.stateEnteredAt = at
        }
        next.fields = merged
        next.version = current.version + 1
        next.dueAt = dueDate(in: target, enteredAt: next.stateEnteredAt, fields: merged)
        next.updatedBy = actor.name
        next.updatedAt = at
        let event = EventRecord(
            caseID: current.id, caseVersion: next.version, kind: .transition, transition: transition.name,
            from: current.state, to: target, actor: actor.name, role: role, reason: reason, fields: changes,
            at: at, idempotencyKey: idempotencyKey, requestHash: requestHash)
        let unique = uniqueChanges(from: current.fields, to: merged, stateAfter: target)
        return CaseChange(record: next, expectedVersion: current.version, event: event,
                          claims: unique.claims, releases: unique.releases)
    }

    /// Sets fields without moving the case.
    ///
    /// Each field changes only in the states its module allows (67) and by the roles it names, by default whoever
    /// works the case in its current state (69); required fields stay set and invariants hold (65).
    public func update(
        _ current: CaseRecord, fields input: FieldValues, reason: String?, actor: User, at: Date,
        idempotencyKey: String? = nil, requestHash: String? = nil
    ) throws(WorkflowError) -> CaseChange {
        if definition.state(current.state)?.kind == .terminal {
            throw WorkflowError(.notAllowed, "\(current.reference) is \(current.state), a final state: its fields can no longer change")
        }
        let role = try updatingRole(of: actor, changing: Array(input.keys), in: current)
        let changes = try validatedChanges(input)
        if changes.isEmpty {
            throw WorkflowError(.invalidData, "nothing to update: give at least one --field KEY=VALUE")
        }
        try checkRequired(changes, of: current)
        let merged = merging(current.fields, changes)
        try checkModuleRules(merged, changed: changes)
        var next = current
        next.fields = merged
        next.version = current.version + 1
        next.dueAt = dueDate(in: current.state, enteredAt: current.stateEnteredAt, fields: merged)
        next.updatedBy = actor.name
        next.updatedAt = at
        let event = EventRecord(
            caseID: current.id, caseVersion: next.version, kind: .fieldUpdate, actor: actor.name, role: role,
            reason: reason, fields: changes, at: at, idempotencyKey: idempotencyKey, requestHash: requestHash)
        let unique = uniqueChanges(from: current.fields, to: merged, stateAfter: current.state)
        return CaseChange(record: next, expectedVersion: current.version, event: event,
                          claims: unique.claims, releases: unique.releases)
    }

    /// When a case entering `state` at `enteredAt` becomes due: the earliest of the state's timers.
    public func dueDate(in state: String, enteredAt: Date, fields: FieldValues) -> Date? {
        definition.timers(in: state).compactMap { timer -> Date? in
            switch timer.deadline {
            case .daysInState(let days):
                return enteredAt.addingTimeInterval(Double(days) * 86_400)
            case .onField(let field, let days):
                guard let text = fields[field]?.stringValue, let day = SimpleDate(text) else { return nil }
                return day.startOfDay.addingTimeInterval(Double(days) * 86_400)
            }
        }.min()
    }

    /// Roles that may open a case: those that may move it out of its initial state.
    public var openingRoles: [Role] {
        guard let initial = definition.initialState else { return [] }
        return uniqueRoles(definition.transitions(from: initial.name))
    }

    /// Roles that may record outcomes: anyone who works the workflow. (Field updates follow each field's rules.)
    public var editingRoles: [Role] { uniqueRoles(definition.transitions) }

    // MARK: - Checks

    private func role(of actor: User, for transition: TransitionDefinition, in state: String) throws(WorkflowError) -> Role {
        if actor.name == User.systemName {
            guard definition.timerTransitions(from: state).contains(transition.name) else {
                throw WorkflowError(.forbidden, "system may only fire the transitions that timers name; \(transition.name) from \(state) is not one")
            }
            return .system
        }
        guard let role = transition.roles.first(where: actor.holds) else {
            throw forbidden(actor, transition.name, needs: transition.roles)
        }
        return role
    }

    /// Parses every given field; reports every unknown or invalid one at once.
    private func validatedChanges(_ input: FieldValues) throws(WorkflowError) -> FieldValues {
        var values = FieldValues(minimumCapacity: input.count)
        var problems: [String] = []
        for (name, raw) in input.sorted(by: { $0.key < $1.key }) {
            guard let field = definition.field(name) else {
                problems.append("\(name): unknown field of \(definition.id); known fields: \(definition.fields.map(\.name).joined(separator: ", "))")
                continue
            }
            switch field.validate(raw) {
            case .success(let value): values[name] = value
            case .failure(let problem): problems.append(problem.description)
            }
        }
        if !problems.isEmpty {
            throw WorkflowError(.invalidData, "invalid field\(problems.count == 1 ? "" : "s") for \(definition.id)", details: problems)
        }
        return values
    }

    /// Module checks of `json` fields against the whole field set, and the workflow's invariants that read a changed
    /// field (a case stored before an invariant was declared is not refused for a change that does not touch it).
    private func checkModuleRules(_ fields: FieldValues, changed: FieldValues) throws(WorkflowError) {
        var problems: [String] = []
        for field in definition.fields {
            guard let check = field.check, let value = fields[field.name], value != .null else { continue }
            problems += check(value, fields).map { "\(field.name): \($0)" }
        }
        let context = GuardContext(fields: fields, previousFields: fields, reason: nil, actor: "", latestActors: [:])
        for invariant in definition.invariants
        where invariant.fields.contains(where: { changed[$0] != nil }) && !invariant.holds(in: context) {
            problems.append("\(invariant.name) must hold for every \(definition.id) case")
        }
        if !problems.isEmpty {
            throw WorkflowError(.invalidData, "invalid field\(problems.count == 1 ? "" : "s") for \(definition.id)", details: problems)
        }
    }

    func merging(_ fields: FieldValues, _ changes: FieldValues) -> FieldValues {
        var merged = fields
        for (name, value) in changes {
            merged[name] = value == .null ? nil : value
        }
        return merged
    }

    private func notAllowed(_ transition: String, in current: CaseRecord) -> WorkflowError {
        let allowed = definition.transitions(from: current.state).map(\.name)
        let known = definition.transitions.contains { $0.name == transition }
        let guess = known ? nil : Suggestion.closest(to: transition, among: definition.transitions.map(\.name))
        let what = known ? "\(transition) is not allowed"
            : "\(transition) is not a transition of \(definition.id)" + (guess.map { " (did you mean \($0)?)" } ?? "")
        let now = allowed.isEmpty ? "none (\(current.state) is final)" : allowed.joined(separator: ", ")
        return WorkflowError(.notAllowed, "\(what) from \(current.state) (\(current.reference)); allowed now: \(now)")
    }

    func forbidden(_ actor: User, _ action: String, needs roles: [Role]) -> WorkflowError {
        let has = actor.roles.isEmpty ? "none" : actor.roles.map(\.rawValue).joined(separator: ", ")
        return WorkflowError(.forbidden, "\(actor.name) may not \(action): it needs the role \(roles.map(\.rawValue).joined(separator: " or ")); \(actor.name) has: \(has)")
    }

    private func uniqueRoles(_ transitions: [TransitionDefinition]) -> [Role] {
        var roles: [Role] = []
        for role in transitions.flatMap(\.roles) where !roles.contains(role) { roles.append(role) }
        return roles
    }
}
