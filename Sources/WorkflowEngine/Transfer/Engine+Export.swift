import Foundation

extension Engine {
    /// Every case of a workflow, oldest first, streamed to `each` from one consistent snapshot.
    ///
    /// With `asOf`, each case's state is the one it stood in at the end of that day (UTC), and
    /// cases opened after it are left out; fields are always the case's current values.
    /// Any registered user may export, as any may list cases.
    public func exportCases(
        _ workflowID: String, asOf: SimpleDate? = nil, as actorName: String, purpose: String? = nil,
        _ each: @escaping @Sendable (ExportedCase) async throws -> Void
    ) async throws {
        try await prepareExport(workflowID, asOf: asOf, as: actorName, purpose: purpose).run(each)
    }

    /// An export checked and logged, not yet run: everything that can refuse it (the workflow, the user, the purpose,
    /// the access log's write) has been done, so a caller that streams the rows (the HTTP server) can still answer a
    /// refusal with an error instead of a half-written document.
    public func prepareExport(
        _ workflowID: String, asOf: SimpleDate? = nil, as actorName: String, purpose: String? = nil
    ) async throws -> CaseExport {
        try checkPurpose(purpose)
        let actor = try await resolve(actorName)
        let definition = try registry.workflow(workflowID)
        // Logged before the first row leaves: an export that fails half-way has shown what it wrote.
        try await logExport(definition, asOf: asOf, as: actor, purpose: purpose)
        return CaseExport(engine: self, definition: definition, asOf: asOf, actor: actor)
    }
}

/// An export ready to run (`Engine.prepareExport`).
public struct CaseExport: Sendable {
    let engine: Engine
    public let definition: WorkflowDefinition
    public let asOf: SimpleDate?
    let actor: User

    /// Streams every case to `each`, redacted for the user, from one consistent snapshot.
    public func run(_ each: @escaping @Sendable (ExportedCase) async throws -> Void) async throws {
        let (engine, definition, actor) = (engine, definition, actor)
        try await engine.store.exportCases(workflow: definition.id, asOf: asOf?.endOfDay) { exported in
            var shown = try engine.sealing.opened(exported)
            shown.fields = Redaction.fields(shown.fields, in: definition, as: actor)
            shown.caseKey = nil
            try await each(shown)
        }
    }
}

/// The CSV form of an export: `reference`, `state`, `parent` (for workflows opened under one),
/// then every field in definition order, each as `case open --field` or an import would take it.
public struct ExportTable: Sendable {
    public let definition: WorkflowDefinition

    public init(_ definition: WorkflowDefinition) {
        self.definition = definition
    }

    /// The columns an export adds that no import sets (a new case gets its own reference and starts in the initial
    /// state): an import of an exported file ignores them.
    public static let exportOnly = ["reference", "state"]

    public var columns: [String] {
        Self.exportOnly + (definition.parentWorkflow == nil ? [] : [ImportColumns.parent]) + definition.fields.map(\.name)
    }

    public func row(_ exported: ExportedCase) -> [String] {
        var row = [exported.reference, exported.state]
        if definition.parentWorkflow != nil { row.append(exported.parentReference ?? "") }
        for field in definition.fields {
            guard let value = exported.fields[field.name], value != .null else {
                row.append("")
                continue
            }
            // A list reads back from its comma-separated form; a JSON document only from its JSON text.
            row.append(field.type == .json ? JSONCoding.string(value) : value.plainText)
        }
        return row
    }
}
