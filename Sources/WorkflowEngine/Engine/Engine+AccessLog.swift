import Foundation

extension Engine {
    /// Appends to the access log when `user` was shown personal or sensitive values of these cases (the values, not
    /// `[redacted]`): who, when, which cases (or, for an export, its query), and the purpose they gave.
    func logAccess(_ action: String, of shown: [(record: CaseRecord, fields: [FieldValues])], as user: User,
                   query: String? = nil, purpose: String?) async throws {
        let seen = shown.filter { record, fields in
            guard let definition = try? registry.workflow(record.workflow) else { return false }
            return fields.contains { values in
                values.contains { name, value in
                    let dataClass = definition.field(name)?.dataClass ?? .sensitive
                    return value != .null && dataClass.isProtected && Redaction.sees(dataClass, in: definition, as: user)
                }
            }
        }
        guard !seen.isEmpty else { return }
        let workflows = Set(seen.map(\.record.workflow))
        try await store.recordAccess(AccessEntry(
            actor: user.name, at: clock.now().storagePrecision, action: action, workflow: workflows.count == 1 ? workflows.first : nil,
            cases: seen.map(\.record.reference), query: query, purpose: purpose))
    }

    /// An export of a workflow whose protected values `user` sees is logged by its query.
    func logExport(_ definition: WorkflowDefinition, asOf: SimpleDate?, as user: User, purpose: String?) async throws {
        let protected = definition.fields.filter { $0.dataClass.isProtected && Redaction.sees($0.dataClass, in: definition, as: user) }
        guard !protected.isEmpty else { return }
        try await store.recordAccess(AccessEntry(
            actor: user.name, at: clock.now().storagePrecision, action: "export", workflow: definition.id, cases: [],
            query: "export \(definition.id)" + (asOf.map { " --as-of \($0)" } ?? ""), purpose: purpose))
    }

    /// A purpose as given with a read: one line of printable text.
    func checkPurpose(_ purpose: String?) throws(WorkflowError) {
        if let purpose, let why = InputText.problem(purpose, lines: false, limit: InputLimits.shortText) {
            throw WorkflowError(.invalidData, "--purpose \(why)")
        }
        if purpose?.trimmingCharacters(in: .whitespaces).isEmpty == true {
            throw WorkflowError(.invalidData, "--purpose is empty: say why the values are needed, or leave it out")
        }
    }

    /// The access log, oldest first: admins and the data-protection officer only.
    public func accessLog(_ query: AccessQuery, as actorName: String) async throws -> [AccessEntry] {
        let actor = try await resolve(actorName)
        guard actor.holds(.admin) || actor.holds(.dataProtection) else {
            throw WorkflowError(.forbidden, "\(actorName) may not read the access log: only an admin or data_protection may; \(actorName) has: \(actor.roles.map(\.rawValue).joined(separator: ", "))")
        }
        return try await store.accessLog(query)
    }
}
