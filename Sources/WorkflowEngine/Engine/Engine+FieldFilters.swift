/// `case list --field KEY=VALUE`: the value is parsed by the field's type before any store compares it, so that a
/// bool, number, date or list matches the same cases on every backend (see `StoredForm`).
extension Engine {
    /// The query with each filter value in its typed form; a value the field's type refuses is 65.
    func typedFilters(_ query: CaseQuery) throws -> CaseQuery {
        var typed = query
        typed.fieldEquals = []
        for (name, value) in query.fieldEquals {
            let field = try filterField(name, workflow: query.workflow)
            switch field.validate(value) {
            case .success(let parsed) where field.dataClass == .personal && parsed != .null:
                // A personal value is stored sealed: its blind index finds it (`CaseSealing`).
                typed.fieldIndexed.append((name, try sealing.indexedPrefix(name, parsed)))
            case .success(let parsed): typed.fieldEquals.append((name, parsed))
            case .failure(let problem): throw WorkflowError(.invalidData, "--field \(problem)")
            }
        }
        return typed
    }

    /// The field a filter names: the workflow's, or the one field of that name every workflow agrees on.
    private func filterField(_ name: String, workflow: String?) throws -> FieldDefinition {
        if let workflow {
            let definition = try registry.workflow(workflow)
            guard let field = definition.field(name) else {
                throw WorkflowError(.invalidData, "\(workflow) has no field \(name); fields: \(definition.fields.map(\.name).joined(separator: ", "))")
            }
            return field
        }
        let holders = registry.workflows.filter { $0.field(name) != nil }
        guard let first = holders.first?.field(name) else {
            throw WorkflowError(.invalidData, "no workflow has a field \(name): give --workflow W and one of its fields (rsoctl workflow show W lists them)")
        }
        guard holders.allSatisfy({ $0.field(name)?.type == first.type }) else {
            throw WorkflowError(.usage, "field \(name) has a different type in \(holders.map(\.id).joined(separator: ", ")): give --workflow to say which")
        }
        return first
    }
}
