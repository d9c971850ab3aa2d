import ArgumentParser
import Foundation
import WorkflowEngine
import WorkflowViews

/// `rsoctl import WF FILE.csv`: bulk-open cases, every row or none.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Open one case per row of a CSV file: every row, or none.",
        discussion: """
            The file is UTF-8 CSV, comma-separated (RFC 4180 quoting; a list is comma-separated inside one quoted value; a byte-order mark and CRLF line ends are accepted: in Excel, save as "CSV UTF-8 (comma delimited)"). \
            Its header names the columns: fields of the workflow (rsoctl workflow show WF), and optionally:
            - reference, state: written by export, ignored (each case gets a new reference and starts in the initial state).
            - opened_at: when the case was opened, ISO 8601 (2013-06-24T09:30:00Z) or a date (midnight UTC); \
            not in the future; empty or absent means now.
            - parent: for workflows opened under another (jpa.operation), the parent case's reference.

            An empty cell leaves its field unset. Every row is checked first; any problem refuses the whole \
            file (exit 65), listing the row and column of each, and nothing is written. Otherwise every case \
            is written in one transaction (COPY on PostgreSQL) with its reference, opened event and stage. \
            The acting user must hold a role that may open cases of the workflow.

            Each import is recorded (the file's SHA-256, rows, who, when): the same file again is refused \
            (exit 65) naming the earlier import, unless --again. With --idempotency-key, a retry returns the \
            first result.

            Limits: a row (line) at most 1 MiB; values as for case open (README, "Limits").
            """)

    @Argument(help: "The workflow, e.g. avrr (rsoctl workflow list).", transform: WorkflowID.parse) var workflow: String
    @Argument(help: "The CSV file.") var file: String
    @Flag(help: "Import the file even though the same file was imported before (its rows are loaded once more).") var again = false
    @Option(name: .customLong("idempotency-key"), help: "Retrying with the same key imports only once and returns the first result.") var idempotencyKey: String?
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: FormatOption

    func run() async throws {
        let actor = try global.actorName()
        let bar = ProgressBar(fileSize: ProgressBar.size(of: file))
        let started = ContinuousClock.now
        let summary: ImportSummary
        do {
            summary = try await global.withEngine { engine in
                try await engine.importCases(workflow, from: file, as: actor, again: again, idempotencyKey: idempotencyKey,
                                             progress: { bar.show($0) })
            }
            bar.finish()
        } catch {
            bar.finish()
            throw error
        }
        let elapsed = (ContinuousClock.now - started).components
        let seconds = max(0.001, Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
        let view = ImportView(summary)
        Output.print(output.format, json: view, table: view.table)
        if let first = summary.replayOf {
            Output.note("rsoctl: a replay: --idempotency-key \(idempotencyKey ?? "") was used by the import of \(Engine.describe(first)); nothing was imported now")
            return
        }
        Output.note("rsoctl: imported \(summary.imported) \(summary.workflow) case\(summary.imported == 1 ? "" : "s") in \(String(format: "%.1f", seconds)) s (\(Int(Double(summary.imported) / seconds)) rows/s)")
    }
}

extension ImportView {
    var table: Table {
        Table(columns: ["workflow", "imported", "first", "last"],
              rows: references.isEmpty ? [[workflow, "0", "", ""]]
                  : references.map { [workflow, String($0.count), $0.first, $0.last] })
    }
}

/// `rsoctl export WF [--as-of DATE]`: every case of a workflow, streamed to stdout.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every case of a workflow as CSV or JSON, with its state now or at the end of a day.",
        discussion: """
            CSV: a header of reference, state, parent (for workflows opened under one) and every field. With --excel, the file starts with a UTF-8 byte-order mark and its lines end in CRLF, as Excel expects. An exported file imports back: import ignores the reference and state columns.

            JSON: {"workflow", "asOf", "cases": [{"reference", "id", "state", "openedAt", "parent", "fields"}]}.

            With --as-of, each case's state is the one it stood in at the end of that day (UTC) and cases \
            opened later are left out; fields are the case's current values.
            """)

    @Argument(help: "The workflow, e.g. avrr.", transform: WorkflowID.parse) var workflow: String
    @Option(name: .customLong("as-of"), help: "States at the end of this day (UTC), e.g. 2013-06-24.") var asOf: Day?
    @Option(help: "Output format: csv or json.") var format: ExportDocument.Format = .csv
    @Flag(help: "CSV for Excel: a UTF-8 byte-order mark and CRLF line ends (import reads it back).") var excel = false
    @OptionGroup var global: GlobalOptions
    @OptionGroup var why: PurposeOption

    func validate() throws {
        if excel && format != .csv { throw ValidationError("--excel applies to --format csv only") }
    }

    func run() async throws {
        let actor = try global.actorName()
        let (workflow, asOf, format, excel) = (workflow, asOf?.date, format, excel)
        let stream = StreamedOutput()
        try await global.withEngine { engine in
            let export = try await engine.prepareExport(workflow, asOf: asOf, as: actor, purpose: why.purpose)
            let document = ExportDocument(export.definition, asOf: asOf, format: format, excel: excel)
            stream.opening = document.opening
            stream.closing = document.closing
            try await export.run { exported in stream.write { document.piece(exported, index: $0) } }
        }
        stream.finish()
    }
}

extension ExportDocument.Format: ExpressibleByArgument {}

/// Writes a long result to stdout in large chunks; the opening is written with the first item
/// (or at the end), so a refused export prints nothing on stdout.
final class StreamedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = Data()
    private var started = false
    private var items = 0
    var opening = ""
    var closing = ""

    /// Appends the item `text` gives for its index (0 for the first).
    func write(_ text: (Int) -> String) {
        lock.withLock {
            begin()
            buffer.append(contentsOf: text(items).utf8)
            items += 1
            if buffer.count >= 1 << 16 { flush() }
        }
    }

    func finish() {
        lock.withLock {
            begin()
            buffer.append(contentsOf: closing.utf8)
            flush()
        }
    }

    private func begin() {
        guard !started else { return }
        started = true
        buffer.append(contentsOf: opening.utf8)
    }

    private func flush() {
        try? FileHandle.standardOutput.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// An import's progress on stderr: a bar redrawn in place on a terminal; otherwise, for large
/// files only, a line every tenth. Small files in scripts get no progress at all.
final class ProgressBar: @unchecked Sendable {
    static let largeFile = 8 << 20

    private let lock = NSLock()
    private let terminal = isatty(STDERR_FILENO) == 1
    private let enabled: Bool
    private var shown: (ImportProgress.Phase, Int)?
    private var drawn = false

    init(fileSize: Int) {
        enabled = terminal || fileSize >= Self.largeFile
    }

    static func size(of path: String) -> Int {
        guard let handle = FileHandle(forReadingAtPath: path), let end = try? handle.seekToEnd() else { return 0 }
        try? handle.close()
        return Int(end)
    }

    func show(_ progress: ImportProgress) {
        guard enabled else { return }
        lock.withLock {
            let percent = Int(progress.fraction * 100)
            let step = terminal ? percent : percent / 10 * 10
            if let shown, shown == (progress.phase, step) { return }
            shown = (progress.phase, step)
            let phase = progress.phase == .checking ? "checking" : "loading "
            if terminal {
                let filled = percent * 30 / 100
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
                write("\r\(phase) [\(bar)] \(String(format: "%3d", percent))%  \(progress.rows) rows")
                drawn = true
            } else {
                Output.note("rsoctl: \(phase.trimmingCharacters(in: .whitespaces)) \(step)% (\(progress.rows) rows)")
            }
        }
    }

    func finish() {
        lock.withLock {
            if drawn { write("\n") }
            drawn = false
        }
    }

    /// The bar is redrawn in place, so it is written without the line break `Output.note` adds.
    private func write(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }
}
