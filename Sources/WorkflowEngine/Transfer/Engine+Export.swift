import Foundation

extension Engine {
    /// Every case of a workflow, oldest first, streamed to `each` from one consistent snapshot.
    ///
    /// With `asOf`, each case's state is the one it stood in at the end of that day (UTC), and
    /// cases opened after it are left out; fields are always the case's current values.
    /// Any registered user may export, as any may list cases.
    public func exportCases(
        _ workflowID: String, asOf: SimpleDate? = nil, as actorName: String,
        _ each: @Sendable (ExportedCase) async throws -> Void
    ) async throws {
        _ = try await resolve(actorName)
        _ = try registry.workflow(workflowID)
        try await store.exportCases(workflow: workflowID, asOf: asOf?.endOfDay, each)
    }
}

/// The CSV form of an export: `reference`, `state`, `parent` (for workflows opened under one),
/// then every field in definition order, each as `case open --field` or an import would take it.
public struct ExportTable: Sendable {
    public let definition: WorkflowDefinition

    public init(_ definition: WorkflowDefinition) {
        self.definition = definition
    }

    public var columns: [String] {
        ["reference", "state"] + (definition.parentWorkflow == nil ? [] : [ImportColumns.parent]) + definition.fields.map(\.name)
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
