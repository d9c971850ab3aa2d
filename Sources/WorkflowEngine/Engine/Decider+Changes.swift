import Foundation

extension Decider {
    // What a change may touch: the states and roles in which each field changes, and the fields that stay set.

    /// A transition sets a field only where `case update` could change it, or where its own guards check it: a value
    /// checked and approved earlier is not changed on the way through a later transition either.
    func checkSettable(_ changes: FieldValues, by transition: TransitionDefinition, in current: CaseRecord) throws(WorkflowError) {
        let checked = Set(transition.guards.flatMap(\.fields))
        let refused = changes.keys.sorted().compactMap(definition.field).filter {
            !checked.contains($0.name) && !definition.updatableStates(of: $0).contains(current.state)
        }
        if !refused.isEmpty {
            let rules = refused.map { "\($0.name) may change only in \(definition.updatableStates(of: $0).joined(separator: ", "))" }
            throw WorkflowError(
                .notAllowed,
                "\(transition.name) cannot set \(refused.map(\.name).joined(separator: ", ")) of \(current.reference) while it is \(current.state): \(rules.joined(separator: "; "))",
                details: rules)
        }
    }

    /// Fields required at open stay set: a change may correct them, never clear them.
    func checkRequired(_ changes: FieldValues, of current: CaseRecord) throws(WorkflowError) {
        let cleared = definition.fields.filter { $0.requiredAtOpen && !(changes[$0.name]?.isPresent ?? true) }
        if !cleared.isEmpty {
            throw WorkflowError(
                .invalidData,
                "cannot clear \(cleared.map(\.name).joined(separator: ", ")) of \(current.reference): required fields stay set",
                details: cleared.map { "\($0.name) (\($0.type.name)) is required: give a new value, --field \($0.name)=VALUE" })
        }
    }

    /// The role the actor updates these fields as: each field must be updatable in the case's state (67) by a role
    /// the actor holds (69). Unknown field names are left to the field check.
    func updatingRole(of actor: User, changing names: [String], in current: CaseRecord) throws(WorkflowError) -> Role {
        let fields = names.sorted().compactMap(definition.field)
        let misplaced = fields.filter { !definition.updatableStates(of: $0).contains(current.state) }
        if !misplaced.isEmpty {
            let rules = misplaced.map { field -> String in
                let states = definition.updatableStates(of: field)
                return states.isEmpty ? "\(field.name) is never changed by case update"
                    : "\(field.name) may change only in \(states.joined(separator: ", "))"
            }
            // A transition from here to a state where every refused field may change is the workflow's way to do it.
            let back = definition.transitions(from: current.state).filter { transition in
                guard case .state(let target) = transition.to, target != current.state else { return false }
                return misplaced.allSatisfy { definition.updatableStates(of: $0).contains(target) }
            }
            let hint = back.isEmpty ? "" : " (\(back.map { "\($0.name) leads to \($0.to.label)" }.joined(separator: "; ")))"
            throw WorkflowError(
                .notAllowed, "cannot update \(current.reference) while it is \(current.state): \(rules.joined(separator: "; "))\(hint)",
                details: rules)
        }
        var role: Role?
        var refused: [String] = []
        for field in fields {
            let allowed = definition.updatingRoles(of: field, in: current.state)
            if let held = allowed.first(where: actor.holds) {
                role = role ?? held
            } else {
                refused.append("\(field.name) needs the role \(allowed.map(\.rawValue).joined(separator: " or ")) in \(current.state)")
            }
        }
        if refused.isEmpty, let role { return role }
        if refused.isEmpty, let held = definition.roles(leaving: current.state).first(where: actor.holds) { return held }
        let has = actor.roles.isEmpty ? "none" : actor.roles.map(\.rawValue).joined(separator: ", ")
        let needs = refused.isEmpty ? ["updating a case in \(current.state) needs the role \(definition.roles(leaving: current.state).map(\.rawValue).joined(separator: " or "))"] : refused
        throw WorkflowError(.forbidden, "\(actor.name) may not update \(current.reference): \(needs.joined(separator: "; ")); \(actor.name) has: \(has)",
                            details: needs)
    }
}
