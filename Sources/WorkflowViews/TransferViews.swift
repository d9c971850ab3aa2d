import Foundation
import WorkflowEngine

/// The `import` result: `{"workflow", "imported", "references": [{"first", "last", "count"}]}`, a block per year.
public struct ImportView: Encodable, Sendable {
    public struct Block: Encodable, Sendable {
        public let first: String
        public let last: String
        public let count: Int
    }

    public let workflow: String
    public let imported: Int
    public let references: [Block]

    public init(_ summary: ImportSummary) {
        workflow = summary.workflow
        imported = summary.imported
        references = summary.references.map { Block(first: $0.firstReference, last: $0.lastReference, count: $0.last - $0.first + 1) }
    }
}

/// The text of an export, in pieces: an opening, one piece per case, a closing; written by `rsoctl export` and
/// `GET /v1/exports/{workflow}` alike.
///
/// CSV: a header of reference, state, parent (for workflows opened under one) and every field, then a record per case;
/// for Excel, a UTF-8 byte-order mark first and CRLF line ends. JSON: `{"workflow", "asOf", "cases": [...]}` with a
/// case per line.
public struct ExportDocument: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case csv
        case json
    }

    public let format: Format
    public let excel: Bool
    private let table: ExportTable
    public let opening: String

    public init(_ definition: WorkflowDefinition, asOf: SimpleDate?, format: Format, excel: Bool) {
        self.format = format
        self.excel = format == .csv && excel
        table = ExportTable(definition)
        switch format {
        case .csv:
            // Excel reads a file as UTF-8 only with a byte-order mark.
            opening = (self.excel ? "\u{FEFF}" : "") + Self.record(table.columns, excel: self.excel)
        case .json:
            opening = "{\"workflow\":" + JSONCoding.string(.string(definition.id)) + ",\"asOf\":"
                + (asOf.map { "\"\($0)\"" } ?? "null") + ",\"cases\":["
        }
    }

    /// The case at `index` (0 for the first), with what separates it from the one before.
    public func piece(_ exported: ExportedCase, index: Int) -> String {
        switch format {
        case .csv: Self.record(table.row(exported), excel: excel)
        case .json: (index > 0 ? ",\n" : "\n") + JSONCoding.string(ExportedCaseView.json(exported))
        }
    }

    public var closing: String { format == .json ? "\n]}\n" : "" }

    public var contentType: String { format == .json ? "application/json" : "text/csv; charset=utf-8" }

    /// Excel expects CRLF between records.
    private static func record(_ values: [String], excel: Bool) -> String {
        let record = CSVWriter.record(values)
        return excel ? record.dropLast() + "\r\n" : record
    }
}

/// One case of the JSON export: `{"reference", "id", "state", "openedAt", "parent", "fields"}`; `parent` is null, never
/// omitted.
public enum ExportedCaseView {
    public static func json(_ exported: ExportedCase) -> JSONValue {
        .object([
            "reference": .string(exported.reference), "id": .string(exported.id.lowercasedString), "state": .string(exported.state),
            "openedAt": .string(exported.openedAt.iso8601), "parent": exported.parentReference.map(JSONValue.string) ?? .null,
            "fields": .object(exported.fields),
        ])
    }
}
