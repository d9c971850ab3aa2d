import Foundation

/// One problem of an import file: where it is (row and column, 1-based; the header is row 1) and what is wrong.
///
/// Like every error, it never shows the value of a personal or sensitive field.
public struct ImportProblem: Sendable, Hashable, CustomStringConvertible {
    public let row: Int
    public let column: Int?
    public let columnName: String?
    public let message: String

    public init(row: Int, column: Int?, columnName: String?, message: String) {
        self.row = row
        self.column = column
        self.columnName = columnName
        self.message = message
    }

    public var description: String {
        guard let column else { return "row \(row): \(message)" }
        return "row \(row), column \(column)\(columnName.map { " (\($0))" } ?? ""): \(message)"
    }
}

/// What each column of an import file holds: a field of the workflow, or one of the special columns.
///
/// `opened_at` (optional): when the case was opened, ISO 8601 (`2013-06-24T09:30:00Z`) or a date
/// (midnight UTC); not in the future. Empty or absent: the time of the import.
/// `parent`: the reference (or id) of the parent case, for workflows opened under one (`jpa.operation`).
struct ImportColumns: Sendable {
    enum Kind: Sendable {
        case field(FieldDefinition)
        case openedAt
        case parent
        /// `reference` and `state`, which an export adds: ignored, so that an exported file imports back.
        case exportOnly
    }

    static let openedAt = "opened_at"
    static let parent = "parent"

    let names: [String]
    let kinds: [Kind]
    let parentIndex: Int?
    let openedAtIndex: Int?
    let indexOfField: [String: Int]

    /// Reads the header; returns the problems with it instead when there are any.
    static func read(_ header: CSVRecord, for definition: WorkflowDefinition) -> Result<ImportColumns, ImportRefusal> {
        var problems: [ImportProblem] = []
        var kinds: [Kind] = []
        var seen: [String: Int] = [:]
        let names = header.fields.map { $0.trimmingSpaces }
        if let refusal = separatorProblem(names, header: header, for: definition) { return .failure(refusal) }
        for (offset, name) in names.enumerated() {
            let column = offset + 1
            func refuse(_ message: String) {
                // A header is shown by its start only: a file of one endless line must not come back as the message.
                problems.append(ImportProblem(row: header.row, column: column, columnName: name.isEmpty ? nil : InputText.quoted(name), message: message))
            }
            if let first = seen[name] { refuse("the column appears twice (also column \(first))") }
            seen[name] = seen[name] ?? column
            if let field = definition.field(name) {
                kinds.append(.field(field))
            } else if name == openedAt {
                kinds.append(.openedAt)
            } else if ExportTable.exportOnly.contains(name) {
                kinds.append(.exportOnly)
            } else if name == parent {
                kinds.append(.parent)
                if definition.parentWorkflow == nil { refuse("\(definition.id) cases are not opened under a parent: drop this column") }
            } else {
                kinds.append(.openedAt)  // a placeholder: a header with an unknown column is refused
                refuse(name.isEmpty ? "the header names no column here: every column needs a field name"
                       : "\(InputText.quoted(name)) is not a field of \(definition.id); columns may be its fields (\(definition.fields.map(\.name).joined(separator: ", "))), \(openedAt) and \(parent)")
            }
        }
        for field in definition.fields where field.requiredAtOpen && seen[field.name] == nil {
            problems.append(ImportProblem(row: header.row, column: nil, columnName: nil,
                                          message: "no \(field.name) column: \(field.name) (\(field.type.name)) is required to open \(Article.a(definition.id)) case"))
        }
        if let workflow = definition.parentWorkflow, seen[parent] == nil {
            problems.append(ImportProblem(row: header.row, column: nil, columnName: nil,
                                          message: "no \(parent) column: each \(definition.id) case is opened under \(Article.a(workflow)) case; add a \(parent) column holding its reference"))
        }
        if !problems.isEmpty { return .failure(ImportRefusal(problems: problems)) }
        let fieldIndex = Dictionary(kinds.enumerated().compactMap { offset, kind -> (String, Int)? in
            if case .field(let field) = kind { return (field.name, offset) }
            return nil
        }, uniquingKeysWith: { first, _ in first })
        return .success(ImportColumns(
            names: names, kinds: kinds, parentIndex: seen[parent].map { $0 - 1 },
            openedAtIndex: seen[openedAt].map { $0 - 1 }, indexOfField: fieldIndex))
    }
}

extension ImportColumns {
    /// A header of one column that names no column but holds a `;` or a tab is a file separated by something other
    /// than commas (Excel saves "CSV" with semicolons where the decimal mark is a comma): one problem saying how to
    /// save it, instead of one per missing column.
    static func separatorProblem(_ names: [String], header: CSVRecord, for definition: WorkflowDefinition) -> ImportRefusal? {
        guard names.count == 1, let only = names.first, definition.field(only) == nil,
              only != openedAt, only != parent, !ExportTable.exportOnly.contains(only) else { return nil }
        let found = [(";", "semicolons (;)"), ("\t", "tabs")].first { only.contains($0.0) }
        let what = found.map { "is separated by \($0.1), not commas" } ?? "holds one column that names no field and no comma"
        let save = "rsoctl reads comma-separated UTF-8: in Excel, save as \"CSV UTF-8 (comma delimited)\""
        return ImportRefusal(problems: [ImportProblem(row: header.row, column: nil, columnName: nil,
                                                      message: "the header \(what): \(save)")])
    }
}

/// The problems that refuse an import, carried as an error between the passes.
struct ImportRefusal: Error, Sendable {
    var problems: [ImportProblem]
}

/// How a row's parent reference resolved.
enum ImportParent: Sendable {
    case none
    case found(CaseRecord)
    case missing(String)
}

/// Checks one row and builds the case it opens, exactly as `case open` would.
struct ImportRowChecker: Sendable {
    let definition: WorkflowDefinition
    let columns: ImportColumns
    let actor: User
    /// The import's own time: cases without `opened_at` open at it, and none may open after it.
    let now: Date
    /// Random bits shared by this import's ids; with the time and the row, they make each id unique.
    let idBits = UInt64.random(in: 0...0x0F_FFFF_FFFF)

    /// The case a valid row opens, or every problem of the row.
    func check(_ record: CSVRecord, parent: ImportParent) -> Result<NewCase, ImportRefusal> {
        guard record.fields.count == columns.names.count else {
            let count = record.fields.count
            return .failure(ImportRefusal(problems: [ImportProblem(
                row: record.row, column: nil, columnName: nil,
                message: "\(count) value\(count == 1 ? "" : "s"), but the header has \(columns.names.count) columns")]))
        }
        var input = FieldValues(minimumCapacity: columns.kinds.count)
        var problems: [ImportProblem] = []
        var at = now
        for (index, kind) in columns.kinds.enumerated() {
            let cell = record.fields[index]
            switch kind {
            case .field(let field):
                if !cell.isEmpty { input[field.name] = .string(cell) }
            case .openedAt:
                let text = cell.trimmingSpaces
                guard !text.isEmpty else { continue }
                if let date = Date(iso8601: text)?.storagePrecision, date <= now {
                    at = date
                } else {
                    let why = Date(iso8601: text) != nil ? "is in the future (the import runs at \(now.iso8601))"
                        : Date(unboundedISO8601: text) != nil ? "is outside the accepted dates and times, \(InputLimits.dateRange)"
                        : "is not an ISO 8601 time (e.g. 2013-06-24T09:30:00Z) or date (2013-06-24)"
                    problems.append(problem(record, index, "'\(InputText.quoted(text))' \(why)"))
                }
            case .exportOnly:
                continue
            case .parent:
                if case .missing(let text) = parent {
                    let workflow = definition.parentWorkflow ?? "parent"
                    problems.append(problem(record, index, text.isEmpty
                        ? "no parent given: each \(definition.id) case is opened under \(Article.a(workflow)) case; give its reference"
                        : "no case \(InputText.quoted(text)): give the reference of an existing \(workflow) case"))
                }
            }
        }
        let decider = Decider(definition)
        var parentRecord: CaseRecord?
        if case .found(let found) = parent { parentRecord = found }
        if problems.isEmpty, case .found(let found) = parent {
            do { try decider.checkParent(found) } catch {
                problems.append(problem(record, columns.parentIndex ?? 0, error.message))
            }
        }
        if problems.isEmpty {
            do {
                return .success(try decider.open(id: caseID(row: record.row), fields: input, parent: parentRecord, actor: actor, at: at))
            } catch {
                problems = diagnose(record, error)
            }
        } else {
            problems += fieldProblems(record)
        }
        return .failure(ImportRefusal(problems: problems.sorted { ($0.column ?? 0) < ($1.column ?? 0) }))
    }

    /// Each cell's own problem, found again cell by cell so that each is named by its column.
    private func fieldProblems(_ record: CSVRecord) -> [ImportProblem] {
        var problems: [ImportProblem] = []
        for (index, kind) in columns.kinds.enumerated() {
            guard case .field(let field) = kind else { continue }
            switch field.parse(record.fields[index]) {
            case .failure(let failure):
                problems.append(problem(record, index, failure.problem))
            case .success(let value):
                if field.requiredAtOpen && !value.isPresent {
                    problems.append(problem(record, index, "is required to open \(Article.a(definition.id)) case: give \(Article.a(field.type.name)) value"))
                }
            }
        }
        return problems
    }

    /// Why the decider refused a row whose cells each parsed: its module's rules, named by field where it can.
    private func diagnose(_ record: CSVRecord, _ error: WorkflowError) -> [ImportProblem] {
        let cells = fieldProblems(record)
        if !cells.isEmpty { return cells }
        guard !error.details.isEmpty else { return [ImportProblem(row: record.row, column: nil, columnName: nil, message: error.message)] }
        return error.details.map { detail in
            let name = detail.prefix { $0 != ":" && $0 != " " }
            guard let index = columns.indexOfField[String(name)] else {
                return ImportProblem(row: record.row, column: nil, columnName: nil, message: detail)
            }
            let rest = detail.dropFirst(name.count).drop { $0 == ":" || $0 == " " }
            return problem(record, index, String(rest))
        }
    }

    /// Checks many rows on every core; outcomes come back in file order (a row's refusal is its outcome).
    func check(_ rows: [(record: CSVRecord, parent: ImportParent)]) async throws -> [Result<NewCase, ImportRefusal>] {
        try await mapInParts(rows) { self.check($0.record, parent: $0.parent) }
    }

    /// A time-ordered id (UUID version 7: the import's time in milliseconds, the row, then bits drawn once
    /// per import), so that the imported cases go into the id indexes in order rather than at random places.
    func caseID(row: Int) -> UUID {
        let millis = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        let row = UInt64(row)
        let high = millis << 16 | 0x7000 | (row >> 26 & 0x0FFF)
        let low = 0x8000_0000_0000_0000 | (row & 0x03FF_FFFF) << 36 | idBits
        let h = withUnsafeBytes(of: high.bigEndian, Array.init), l = withUnsafeBytes(of: low.bigEndian, Array.init)
        return UUID(uuid: (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7]))
    }

    func problem(_ record: CSVRecord, _ index: Int, _ message: String) -> ImportProblem {
        ImportProblem(row: record.row, column: index + 1, columnName: columns.names[index], message: message)
    }
}
