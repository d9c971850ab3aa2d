import ArgumentParser
import Foundation

/// How a command prints its result: `--format table|json|csv`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table
    case json
    case csv
}

/// Rows for table and CSV output.
struct Table: Sendable {
    var columns: [String]
    var rows: [[String]]

    init(columns: [String], rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }
}

/// The one place that writes command results (stdout) and messages (stderr).
///
/// ```swift
/// Output.print(output.format, json: ["users": views], table: UserView.table(views))
/// Output.note("rsoctl: applied 3 migration(s)")
/// ```
enum Output {
    /// Prints `json` (any Encodable) as pretty JSON with sorted keys for .json, else the table
    /// as an aligned text table (.table) or RFC 4180 CSV (.csv) — all to stdout.
    ///
    /// The table is only built when it is printed.
    static func print(_ format: OutputFormat, json: some Encodable, table: @autoclosure () -> Table) {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            do {
                var data = try encoder.encode(json)
                data.append(0x0A)
                writeStdout(data)
            } catch {
                // Only our own view types are encoded here, so this is a bug (e.g. a NaN), not bad input.
                note("rsoctl: internal error: the result could not be encoded as JSON: \(error)")
                exit(1)
            }
        case .table:
            writeStdout(Data(text(table()).utf8))
        case .csv:
            writeStdout(Data(csv(table()).utf8))
        }
    }

    /// A line for the user on stderr (messages and progress never go to stdout).
    static func note(_ message: String) {
        try? FileHandle.standardError.write(contentsOf: Data((message + "\n").utf8))
    }

    /// An aligned text table: header, a line of dashes, then the rows; `(none)` when empty.
    ///
    /// Columns are padded to their widest cell in characters (grapheme clusters, not bytes)
    /// with two spaces between them; no line ends in padding.
    /// Line breaks inside a cell are shown as `↵` so that every row stays on one line.
    static func text(_ table: Table) -> String {
        let width = max(table.columns.count, table.rows.map(\.count).max() ?? 0)
        guard width > 0 else { return "(none)\n" }
        func cells(_ row: [String]) -> [String] {
            (row + Array(repeating: "", count: width - row.count)).map(oneLine)
        }
        let header = cells(table.columns)
        let body = table.rows.map(cells)
        var widths = header.map(\.count)
        for row in body {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ row: [String]) -> String {
            // Pad every cell but the last non-empty one, and drop the empty ones after it.
            let last = row.lastIndex { !$0.isEmpty } ?? 0
            let padded = zip(row[..<last], widths).map { cell, width in
                cell + String(repeating: " ", count: width - cell.count)
            }
            return (padded + [row[last]]).joined(separator: "  ")
        }
        var lines = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += body.isEmpty ? ["(none)"] : body.map(line)
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 CSV: header then rows; a field is quoted when it contains a comma, a double quote,
    /// CR or LF, and quotes inside it are doubled.
    ///
    /// Records end in "\n" rather than RFC 4180's "\r\n": Unix tools and our own importer expect it,
    /// and every CSV reader accepts it. Line breaks inside a quoted field are kept as they are.
    static func csv(_ table: Table) -> String {
        ([table.columns] + table.rows).map { row in
            row.map(csvField).joined(separator: ",") + "\n"
        }.joined()
    }

    private static func csvField(_ field: String) -> String {
        // Scalars, not Characters: "\r\n" is one Character and would match neither "\r" nor "\n".
        let needsQuotes = field.unicodeScalars.contains { ",\"\r\n".unicodeScalars.contains($0) }
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func oneLine(_ cell: String) -> String {
        guard cell.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) else { return cell }
        return cell.replacingOccurrences(of: "\r\n", with: "↵")
            .replacingOccurrences(of: "\n", with: "↵")
            .replacingOccurrences(of: "\r", with: "↵")
    }

    /// Unbuffered, so nothing is lost or reordered when the process exits right after.
    private static func writeStdout(_ data: Data) {
        try? FileHandle.standardOutput.write(contentsOf: data)
    }
}
