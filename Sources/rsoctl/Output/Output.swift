import ArgumentParser
import Foundation
import Logging
import WorkflowEngine
import WorkflowServer

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
        let shown = message.split(separator: "\n", omittingEmptySubsequences: false).map { visible($0) }.joined(separator: "\n")
        if notesAsJSONLines {
            // The server's own log format (`JSONLinesLogHandler`), so that its stderr is JSON throughout.
            Logger(label: "rsoctl") { JSONLinesLogHandler(label: $0) }.notice("\(shown)")
            return
        }
        try? FileHandle.standardError.write(contentsOf: Data((shown + "\n").utf8))
    }

    /// Whether notes go to stderr as JSON objects, one per line: a server's log (`rsoctl serve`) is JSON throughout.
    /// Set once, before the command starts any task.
    nonisolated(unsafe) static var notesAsJSONLines = false

    /// An aligned text table: header, a line of dashes, then the rows; `(none)` when empty.
    ///
    /// Columns are padded to their widest cell in characters (grapheme clusters, not bytes)
    /// with two spaces between them; no line ends in padding.
    /// Line breaks inside a cell are shown as `↵` so that every row stays on one line, and other control characters
    /// as `\u{1B}` escapes, so that no value can move the cursor or change the terminal.
    ///
    /// A table wider than `width` (the terminal's, `Terminal.columns`) has its widest columns narrowed and their cells
    /// wrapped within them at spaces; when that cannot fit without cutting a word, each row is printed as
    /// `column: value` lines instead. No value is cut off.
    static func text(_ table: Table, width: Int = Terminal.columns) -> String {
        let count = max(table.columns.count, table.rows.map(\.count).max() ?? 0)
        guard count > 0 else { return "(none)\n" }
        func cells(_ row: [String]) -> [String] {
            (row + Array(repeating: "", count: count - row.count)).map(oneLine)
        }
        let header = cells(table.columns)
        let body = table.rows.map(cells)
        var widths = header.map(\.count)
        for row in body {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        let gaps = 2 * (count - 1)
        if widths.reduce(0, +) + gaps > width {
            // Narrow the widest columns to a common cap, wrapping their cells at spaces; no column narrower than its
            // longest word, so that no word is cut. When even that does not fit, print the rows vertically.
            var words = header.map(longestWord)
            for row in body {
                for (index, cell) in row.enumerated() { words[index] = max(words[index], longestWord(cell)) }
            }
            let available = width - gaps
            func capped(_ cap: Int) -> [Int] { zip(widths, words).map { max(min($0, cap), $1) } }
            guard let cap = stride(from: widths.max() ?? 0, through: 0, by: -1).first(where: { capped($0).reduce(0, +) <= available })
            else { return vertical(header, body, width: width) }
            widths = capped(cap)
        }
        func lines(_ row: [String]) -> [String] {
            let wrapped = zip(row, widths).map { wrap($0, to: $1) }
            let height = wrapped.map(\.count).max() ?? 1
            return (0..<height).map { line in
                let parts = wrapped.map { line < $0.count ? $0[line] : "" }
                // Pad every cell but the last non-empty one, and drop the empty ones after it.
                let last = parts.lastIndex { !$0.isEmpty } ?? 0
                let padded = zip(parts[..<last], widths).map { cell, width in
                    cell + String(repeating: " ", count: max(0, width - cell.count))
                }
                return (padded + [parts[last]]).joined(separator: "  ")
            }
        }
        var output = lines(header) + [widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        output += body.isEmpty ? ["(none)"] : body.flatMap(lines)
        return output.joined(separator: "\n") + "\n"
    }

    /// The narrowest a value is wrapped to in the vertical layout.
    static let narrowest = 12

    private static func longestWord(_ cell: String) -> Int {
        cell.split(separator: " ").map(\.count).max() ?? 0
    }

    /// Each row as `column: value` lines, values aligned and wrapped, rows apart by a blank line.
    private static func vertical(_ header: [String], _ body: [[String]], width: Int) -> String {
        guard !body.isEmpty else { return "(none)\n" }
        let keyWidth = header.map(\.count).max() ?? 0
        let valueWidth = max(narrowest, width - keyWidth - 2)
        let indent = String(repeating: " ", count: keyWidth + 2)
        return body.map { row in
            zip(header, row).map { key, value -> String in
                let wrapped = wrap(value, to: valueWidth)
                let label = key + ":" + (value.isEmpty ? "" : String(repeating: " ", count: keyWidth - key.count + 1))
                return ([label + wrapped[0]] + wrapped.dropFirst().map { indent + $0 }).joined(separator: "\n")
            }.joined(separator: "\n")
        }.joined(separator: "\n\n") + "\n"
    }

    /// A cell broken into lines of at most `width` characters: at spaces where it can, within a word where it must.
    static func wrap(_ cell: String, to width: Int) -> [String] {
        guard cell.count > width, width > 0 else { return [cell] }
        var lines: [String] = []
        var current = ""
        for word in cell.split(separator: " ", omittingEmptySubsequences: false) {
            var word = Substring(word)
            if !current.isEmpty, current.count + 1 + word.count <= width {
                current += " " + word
                continue
            }
            if !current.isEmpty { lines.append(current) }
            current = ""
            while word.count > width {
                lines.append(String(word.prefix(width)))
                word = word.dropFirst(width)
            }
            current = String(word)
        }
        lines.append(current)
        return lines
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
        guard cell.unicodeScalars.contains(where: isControl) else { return cell }
        return visible(cell.replacingOccurrences(of: "\r\n", with: "↵")
            .replacingOccurrences(of: "\n", with: "↵")
            .replacingOccurrences(of: "\r", with: "↵"))
    }

    /// C0 and C1 control characters and DEL: what a terminal may act on rather than show.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Control characters written as `\u{1B}`: text from the database or from input is shown, never obeyed.
    static func visible(_ text: some StringProtocol) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return String(text) }
        var shown = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                shown.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                shown.append(scalar)
            }
        }
        return String(shown)
    }

    /// Unbuffered, so nothing is lost or reordered when the process exits right after.
    static func writeStdout(_ data: Data) {
        try? FileHandle.standardOutput.write(contentsOf: data)
    }
}

/// The width output is fitted to: `COLUMNS`, else the terminal's own when stdout is one, else 100.
enum Terminal {
    static var columns: Int {
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let columns = Int(text), columns > 0 {
            return max(columns, minimum)
        }
        var size = winsize()
        if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return max(Int(size.ws_col), minimum)
        }
        return 100
    }

    /// Narrower than this, nothing useful fits: lines are wrapped as if it were this wide.
    static let minimum = 30

    /// Lines longer than `width` broken at spaces outside brackets (`[--at <at>]` stays whole), each continuation
    /// indented like its line, or under the text after a `USAGE: ` label. A word longer than the width stays whole.
    static func fitted(_ text: String, to width: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.count > width else { return String(line) }
            let label = ["USAGE: ", "Usage: "].first { line.hasPrefix($0) }
            let indent = String(repeating: " ", count: label?.count ?? line.prefix { $0 == " " }.count)
            let leading = line.prefix { $0 == " " }
            var pieces: [String] = [""]
            var depth = 0
            for character in line.dropFirst(leading.count) {
                if character == "[" || character == "<" { depth += 1 }
                if character == "]" || character == ">" { depth = max(0, depth - 1) }
                if character == " ", depth == 0 { pieces.append("") } else { pieces[pieces.count - 1].append(character) }
            }
            var lines: [String] = []
            var current = ""
            for piece in pieces where !piece.isEmpty {
                if current.isEmpty {
                    current = lines.isEmpty ? leading + piece : indent + piece
                } else if current.count + 1 + piece.count <= width {
                    current += " " + piece
                } else {
                    lines.append(current)
                    current = indent + piece
                }
            }
            lines.append(current)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
