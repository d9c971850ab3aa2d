import Foundation

/// A CSV file that cannot be read: where (row and column, 1-based; the header is row 1) and why.
public struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    public let row: Int
    /// The physical line, which differs from the row once a quoted field has spanned lines.
    public let line: Int
    public let column: Int
    public let message: String

    public var description: String {
        "row \(row)\(line == row ? "" : " (line \(line))"), column \(column): \(message)"
    }
}

/// One record of a CSV file: its values and where it started.
public struct CSVRecord: Sendable, Hashable {
    public let fields: [String]
    /// The record's number, the header being row 1 (blank lines are skipped and not counted).
    public let row: Int
    /// The physical line the record starts on.
    public let line: Int
}

/// Reads RFC 4180 CSV one record at a time, streaming: a file of any size in constant memory.
///
/// Accepts quoted fields (with doubled quotes and line breaks inside), CRLF, LF or CR line
/// ends, and a UTF-8 byte-order mark. Blank lines are skipped. Values must be UTF-8 (decoded strictly: bytes that
/// are not UTF-8 are refused, never replaced), and a record at most `InputLimits.csvRecordBytes` long.
///
/// ```swift
/// var reader = try CSVReader(path: "cases.csv")
/// while let record = try reader.next() { print(record.row, record.fields) }
/// ```
public struct CSVReader: Sendable {
    private enum Source: Sendable {
        case file(FileHandle)
        case bytes
    }

    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted
    }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
    private static let chunkSize = 1 << 18

    private let source: Source
    private var buffer: [UInt8] = []
    private var index = 0
    private var loaded = 0
    private var exhausted = false
    private var startChecked = false
    private var row = 0
    private var line = 1
    private var scratch: [UInt8] = []
    private var readFailure: String?

    /// Opens a file for reading; an unreadable file is `WorkflowError.notFound` (exit 66).
    public init(path: String) throws(WorkflowError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw WorkflowError(.notFound, "cannot read \(path): no such file, or no permission to read it")
        }
        source = .file(handle)
    }

    /// Reads CSV held in memory.
    public init(bytes: some Sequence<UInt8>) {
        source = .bytes
        buffer = Array(bytes)
        loaded = buffer.count
        exhausted = true
    }

    /// Reads CSV held in a string.
    public init(string: String) {
        self.init(bytes: Array(string.utf8))
    }

    /// Bytes consumed so far, for progress.
    public var bytesRead: Int { loaded - (buffer.count - index) }

    /// The next record, or `nil` at the end of the input.
    public mutating func next() throws(CSVError) -> CSVRecord? {
        if !startChecked { skipByteOrderMark() }
        // Blank lines separate nothing and are not records.
        while let byte = peek(), byte == Self.cr || byte == Self.lf {
            index += 1
            lineBreak(after: byte)
        }
        guard peek() != nil else {
            try checkRead()
            return nil
        }
        row += 1
        let startLine = line
        var fields: [String] = []
        var state = State.fieldStart
        var quoteLine = line
        let start = bytesRead
        scratch.removeAll(keepingCapacity: true)
        while true {
            // A record is bounded, so that a file of one endless line costs a megabyte, not its size.
            if bytesRead - start > InputLimits.csvRecordBytes {
                throw error("the row starting on line \(startLine) is longer than \(InputLimits.csvRecordBytes) bytes (1 MiB), the most a row may hold: is this a CSV file?", column: fields.count + 1)
            }
            guard let byte = take() else {
                try checkRead()
                if state == .quoted {
                    throw error("a quoted field opened on line \(quoteLine) is never closed: end it with a double quote", column: fields.count + 1)
                }
                try finishField(into: &fields)
                return CSVRecord(fields: fields, row: row, line: startLine)
            }
            switch state {
            case .fieldStart, .unquoted, .quoteInQuoted:
                if byte == Self.comma {
                    try finishField(into: &fields)
                    state = .fieldStart
                } else if byte == Self.cr || byte == Self.lf {
                    lineBreak(after: byte)
                    try finishField(into: &fields)
                    return CSVRecord(fields: fields, row: row, line: startLine)
                } else if state == .fieldStart && byte == Self.quote {
                    state = .quoted
                    quoteLine = line
                } else if state == .quoteInQuoted && byte == Self.quote {
                    scratch.append(Self.quote)
                    state = .quoted
                } else if state == .quoteInQuoted {
                    throw error("a quoted field continues after its closing quote: write a quote inside a quoted field as two quotes (\"\")", column: fields.count + 1)
                } else if byte == Self.quote {
                    throw error("a double quote inside an unquoted field: enclose the field in double quotes and write the quote as two (\"\")", column: fields.count + 1)
                } else {
                    scratch.append(byte)
                    state = .unquoted
                }
            case .quoted:
                if byte == Self.quote {
                    state = .quoteInQuoted
                } else {
                    if byte == Self.lf { line += 1 }
                    scratch.append(byte)
                }
            }
        }
    }

    /// Closes the file early (it is also closed when the reader goes away).
    public func close() {
        if case .file(let handle) = source { try? handle.close() }
    }

    // MARK: - Bytes

    private mutating func finishField(into fields: inout [String]) throws(CSVError) {
        guard let text = String(validating: scratch, as: UTF8.self) else {
            throw error("the value is not valid UTF-8: save the file as UTF-8", column: fields.count + 1)
        }
        fields.append(text)
        scratch.removeAll(keepingCapacity: true)
    }

    /// Counts a line break; a CR followed by LF is one break.
    private mutating func lineBreak(after byte: UInt8) {
        line += 1
        if byte == Self.cr, peek() == Self.lf { index += 1 }
    }

    private mutating func skipByteOrderMark() {
        startChecked = true
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        while buffer.count - index < 3, refill() {}
        if buffer.count - index >= 3, Array(buffer[index..<index + 3]) == bom { index += 3 }
    }

    private mutating func peek() -> UInt8? {
        if index == buffer.count, !refill() { return nil }
        return buffer[index]
    }

    private mutating func take() -> UInt8? {
        if index == buffer.count, !refill() { return nil }
        defer { index += 1 }
        return buffer[index]
    }

    /// Appends the next chunk of the file after what is still unread; false at the end.
    private mutating func refill() -> Bool {
        guard !exhausted, case .file(let handle) = source else { return false }
        let chunk: Data?
        do {
            chunk = try handle.read(upToCount: Self.chunkSize)
        } catch {
            readFailure = "\(error)"
            chunk = nil
        }
        guard let chunk, !chunk.isEmpty else {
            exhausted = true
            return false
        }
        buffer.removeSubrange(0..<index)
        index = 0
        buffer.append(contentsOf: chunk)
        loaded += chunk.count
        return true
    }

    /// A file that failed to read is refused rather than taken as ended.
    private func checkRead() throws(CSVError) {
        if let readFailure { throw error("the file could not be read on: \(readFailure)", column: 1) }
    }

    private func error(_ message: String, column: Int) -> CSVError {
        CSVError(row: row, line: line, column: column, message: message)
    }
}
