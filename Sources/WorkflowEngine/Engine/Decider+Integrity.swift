extension Decider {
    /// A workflow with a parent workflow is always opened under a case of it; others never are.
    func checkParent(_ parent: CaseRecord?) throws(WorkflowError) {
        switch (definition.parentWorkflow, parent) {
        case (nil, nil):
            return
        case (nil, let parent?):
            throw WorkflowError(.invalidData, "\(definition.id) cases are not opened under a parent; drop --parent \(parent.reference)")
        case (let workflow?, nil):
            throw WorkflowError(.invalidData, "a \(definition.id) case is opened under a \(workflow) case: add --parent REF (rsoctl case list --workflow \(workflow))")
        case (let workflow?, let parent?):
            if parent.workflow != workflow {
                throw WorkflowError(.invalidData, "\(parent.reference) is a \(parent.workflow) case; a \(definition.id) case is opened under a \(workflow) case")
            }
        }
    }

    /// Unique values to claim and fields to release when fields go from `old` to `new` and the case ends in `state`.
    func uniqueChanges(from old: FieldValues, to new: FieldValues, stateAfter state: String) -> (claims: [UniqueClaim], releases: [String]) {
        let openAfter = definition.state(state)?.kind != .terminal
        var claims: [UniqueClaim] = []
        var releases: [String] = []
        for field in definition.fields {
            guard let scope = field.unique else { continue }
            let before = old[field.name].flatMap { $0.isPresent ? $0 : nil }
            let after = new[field.name].flatMap { $0.isPresent && (openAfter || scope == .always) ? $0 : nil }
            guard before != after else { continue }
            if before != nil { releases.append(field.name) }
            if let after { claims.append(UniqueClaim(workflow: definition.id, field: field.name, value: after)) }
        }
        return (claims, releases)
    }
}
