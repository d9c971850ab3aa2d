/// Everything wrong with a workflow definition, each problem naming its culprit.
public struct DefinitionError: Error, Sendable, CustomStringConvertible {
    public let workflow: String
    public let problems: [String]

    public var description: String {
        "workflow \(workflow) is invalid:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

extension WorkflowDefinition {
    /// Checks the definition is sound; throws every problem found at once.
    public func validate() throws(DefinitionError) {
        var problems: [String] = []
        problems += duplicates(states.map(\.name)).map { "state \($0) is declared twice" }
        problems += duplicates(fields.map(\.name)).map { "field \($0) is declared twice" }

        let initials = states.filter { $0.kind == .initial }
        if initials.count != 1 {
            problems.append("exactly one initial state is needed, found \(initials.count): \(initials.map(\.name))")
        }
        problems += transitionProblems()
        problems += reachabilityProblems()
        problems += timerProblems()
        problems += fieldRuleProblems()
        for state in outcomes?.states ?? [] where self.state(state) == nil {
            problems.append("outcomes are recordable in undeclared state \(state)")
        }
        if !problems.isEmpty { throw DefinitionError(workflow: id, problems: problems) }
    }

    private func transitionProblems() -> [String] {
        var problems: [String] = []
        var seen: Set<String> = []
        for transition in transitions {
            let culprit = "transition \(transition.name)"
            for from in transition.from {
                if state(from) == nil { problems.append("\(culprit) leaves undeclared state \(from)") }
                if state(from)?.kind == .terminal { problems.append("\(culprit) leaves terminal state \(from)") }
                if !seen.insert("\(from)/\(transition.name)").inserted {
                    problems.append("\(culprit) is declared twice from state \(from)")
                }
            }
            if case .state(let to) = transition.to, state(to) == nil {
                problems.append("\(culprit) leads to undeclared state \(to)")
            }
            if transition.roles.isEmpty || transition.roles.contains(.system) {
                problems.append("\(culprit) must name at least one role, and not system (timers grant system)")
            }
            for condition in transition.guards {
                for field in condition.fields where self.field(field) == nil {
                    problems.append("\(culprit): guard '\(condition.name)' refers to undeclared field \(field)")
                }
                for name in condition.transitions where !transitions.contains(where: { $0.name == name }) {
                    problems.append("\(culprit): guard '\(condition.name)' refers to undeclared transition \(name)")
                }
                for name in condition.outcomes where !(outcomes?.names.contains(name) ?? false) {
                    problems.append("\(culprit): guard '\(condition.name)' refers to undeclared outcome \(name)")
                }
                for (field, values) in condition.expectedValues {
                    guard let accepted = self.field(field)?.type.listedValues else { continue }
                    for value in values where !accepted.contains(value) {
                        problems.append("\(culprit): guard '\(condition.name)' names \(value), which is not a value of \(field) (values: \(accepted.joined(separator: ", ")))")
                    }
                }
                if condition.readsParent && parentWorkflow == nil {
                    problems.append("\(culprit): guard '\(condition.name)' reads a parent, but the workflow declares none")
                }
            }
        }
        return problems
    }

    /// Where fields may be updated, and the invariants every change must keep.
    private func fieldRuleProblems() -> [String] {
        var problems: [String] = []
        for field in fields {
            for name in field.updatableIn ?? [] {
                if state(name) == nil { problems.append("field \(field.name) is updatable in undeclared state \(name)") }
                if state(name)?.kind == .terminal { problems.append("field \(field.name) is updatable in terminal state \(name), where nothing changes") }
            }
            if field.updatableBy?.contains(.system) == true || field.updatableBy?.isEmpty == true {
                problems.append("field \(field.name) must name at least one role that updates it, and not system")
            }
        }
        for invariant in invariants {
            for name in invariant.fields where field(name) == nil {
                problems.append("invariant '\(invariant.name)' refers to undeclared field \(name)")
            }
            if invariant.fields.isEmpty {
                problems.append("invariant '\(invariant.name)' reads no field: invariants are conditions on a case's fields")
            }
        }
        return problems
    }

    private func reachabilityProblems() -> [String] {
        guard let initial = initialState else { return [] }
        var reached: Set<String> = [initial.name]
        var frontier = [initial.name]
        while let current = frontier.popLast() {
            for transition in transitions(from: current) {
                guard case .state(let next) = transition.to else { continue }
                if reached.insert(next).inserted { frontier.append(next) }
            }
        }
        var problems: [String] = []
        for state in states {
            if !reached.contains(state.name) {
                problems.append("state \(state.name) cannot be reached from the initial state \(initial.name)")
            }
            let exits = transitions(from: state.name)
            if state.kind != .terminal && exits.isEmpty {
                problems.append("state \(state.name) is not terminal but has no transition out")
            }
        }
        return problems
    }

    private func timerProblems() -> [String] {
        var problems: [String] = []
        for timer in timers {
            let culprit = "timer in \(timer.state)"
            guard let state = state(timer.state) else {
                problems.append("\(culprit) refers to undeclared state \(timer.state)")
                continue
            }
            if state.kind == .terminal { problems.append("\(culprit): a terminal state cannot have a timer") }
            if case .onField(let field, _) = timer.deadline, self.field(field)?.type != .date {
                problems.append("\(culprit) refers to \(field), which is not a declared date field")
            }
            if case .fire(let name) = timer.action, transition(name, from: timer.state) == nil {
                problems.append("\(culprit) fires \(name), which does not leave \(timer.state)")
            }
        }
        return problems
    }

    private func duplicates(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { !seen.insert($0).inserted }
    }
}

extension WorkflowRegistry {
    /// What no one definition shows on its own: a reference prefix two workflows share (a reference would name two
    /// cases), and a parent state a guard names that the parent workflow does not have (the guard could never hold).
    static func checkTogether(_ workflows: [WorkflowDefinition]) throws(DefinitionError) {
        var byPrefix: [String: String] = [:]
        for workflow in workflows {
            let prefix = workflow.referencePrefix.uppercased()
            if let other = byPrefix[prefix] {
                throw DefinitionError(workflow: workflow.id, problems: [
                    "reference prefix \(workflow.referencePrefix) is already used by workflow \(other): each workflow needs its own"])
            }
            byPrefix[prefix] = workflow.id
        }
        for workflow in workflows {
            guard let parentID = workflow.parentWorkflow, let parent = workflows.first(where: { $0.id == parentID }) else { continue }
            var problems: [String] = []
            for transition in workflow.transitions {
                for condition in transition.guards {
                    for name in condition.parentStates where parent.state(name) == nil {
                        problems.append("transition \(transition.name): guard '\(condition.name)' names \(name), which is not a state of the parent workflow \(parentID) (states: \(parent.states.map(\.name).joined(separator: ", ")))")
                    }
                }
            }
            if !problems.isEmpty { throw DefinitionError(workflow: workflow.id, problems: problems) }
        }
    }
}
