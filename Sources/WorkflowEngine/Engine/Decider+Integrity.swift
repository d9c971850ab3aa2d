extension Decider {
    /// A workflow with a parent workflow is always opened under a case of it; others never are.
    func checkParent(_ parent: CaseRecord?) throws(WorkflowError) {
        switch (definition.parentWorkflow, parent) {
        case (nil, nil):
            return
        case (nil, let parent?):
            throw WorkflowError(.invalidData, "\(definition.id) cases are not opened under a parent; drop --parent \(parent.reference)")
        case (let workflow?, nil):
            throw WorkflowError(.invalidData, "\(Article.a(definition.id)) case is opened under \(Article.a(workflow)) case: add --parent REF (rsoctl case list --workflow \(workflow))")
        case (let workflow?, let parent?):
            if parent.workflow != workflow {
                throw WorkflowError(.invalidData, "\(parent.reference) is \(Article.a(parent.workflow)) case; \(Article.a(definition.id)) case is opened under \(Article.a(workflow)) case")
            }
        }
    }

    /// Unique values to claim and fields to release when fields go from `old` to `new` and the case ends in `state`.
    ///
    /// A value unique `.always` is never released: the case keeps its claim when renamed or cleared, so the old
    /// value can never be taken by another case (a period name is never reused).
    func uniqueChanges(from old: FieldValues, to new: FieldValues, stateAfter state: String) -> (claims: [UniqueClaim], releases: [String]) {
        let openAfter = definition.state(state)?.kind != .terminal
        var claims: [UniqueClaim] = []
        var releases: [String] = []
        for field in definition.fields {
            guard let scope = field.unique else { continue }
            let claim = { (value: JSONValue) in UniqueClaim(workflow: definition.id, field: field.name, value: value) }
            let before = old[field.name].flatMap { $0.isPresent ? claim($0) : nil }
            let after = new[field.name].flatMap { $0.isPresent && (openAfter || scope == .always) ? claim($0) : nil }
            // Compared as claimed ("JPA 3" and "jpa 3" are one name): respelling a value claims nothing new.
            guard before != after else { continue }
            if before != nil && scope != .always { releases.append(field.name) }
            if let after { claims.append(after) }
        }
        return (claims, releases)
    }
}
