import Foundation
import WorkflowEngine
import WorkflowViews

/// How rsoctl prints the shared JSON shapes (`WorkflowViews`) as tables.
extension CaseView {
    /// Prints a case in the chosen format: what every case command answers with.
    func print(as format: OutputFormat) {
        Output.print(format, json: self, table: table)
    }

    /// One row per attribute, then one per field.
    var table: Table {
        var rows: [[String]] = [
            ["reference", reference], ["id", id], ["workflow", workflow], ["state", state],
            ["version", String(version)], ["allowed transitions", allowedTransitions.joined(separator: ", ")],
            ["due", dueAt.map { overdue ? "\($0) (overdue)" : $0 } ?? ""],
            ["created", "\(createdAt) by \(createdBy)"], ["updated", "\(updatedAt) by \(updatedBy)"],
        ]
        if let parentId { rows.append(["parent", parentReference ?? parentId]) }
        rows += fields.sorted { $0.key < $1.key }.map { ["field \($0.key)", $0.value.plainText] }
        rows += outcomes.sorted { $0.key < $1.key }.map { ["outcome \($0.key)", String($0.value)] }
        return Table(columns: ["attribute", "value"], rows: rows)
    }

    /// One line per case, for `case list`.
    var listRow: [String] {
        [reference, workflow, state, String(version), updatedAt, dueAt.map { overdue ? "\($0) (overdue)" : $0 } ?? "", lateBy ?? ""]
    }

    static let listColumns = ["reference", "workflow", "state", "version", "updated", "due", "late by"]
}

extension HistoryView {
    var table: Table {
        Table(
            columns: ["seq", "at", "kind", "transition", "from", "to", "actor", "reason", "fields"],
            rows: events.map { event in
                [String(event.seq), event.at, event.kind, event.transition ?? "", event.from ?? "", event.to ?? "",
                 event.actor, event.reason ?? "",
                 event.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.plainText)" }.joined(separator: "; ")]
            })
    }
}
