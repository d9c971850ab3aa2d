/// Text helpers in plain Swift: Foundation's `trimmingCharacters(in:)` and `String(format:)` took a third of an
/// import's CPU on Linux.
extension StringProtocol {
    /// Without leading and trailing spaces and tabs (newlines stay, as with `CharacterSet.whitespaces`: tab and the
    /// Unicode space separators). ASCII is decided without a Unicode property lookup.
    var trimmingSpaces: String {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII ? scalar == " " || scalar == "\t" : scalar.properties.generalCategory == .spaceSeparator
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        // Most values have nothing to trim: returned as they are, rather than rebuilt scalar by scalar (which took a
        // tenth of an import's CPU).
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return String(self) }
        return String(self[first..<scalars.index(after: last)])
    }
}

extension BinaryInteger {
    /// The decimal digits, left-padded with zeros to `width`.
    func zeroPadded(_ width: Int) -> String {
        let digits = String(self)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// The one home of the rules every piece of text from outside obeys, whatever it is (a field value, a reason, a name,
/// a CSV cell, a string inside a JSON field), checked before anything is sent to a database.
///
/// Control characters are refused: a NUL cuts a value short in SQLite and fails a COPY on PostgreSQL (which then
/// logs the whole row); escape sequences would reach a terminal. Line breaks and tabs are kept only where a text may
/// have several lines.
public enum InputText {
    /// The most characters of a value quoted in a message: enough to recognise it, never a whole file.
    public static let quotedLength = 40

    /// C0 and C1 controls and DEL; tab and line breaks only where `lines` allows them.
    public static func isRefused(_ scalar: Unicode.Scalar, lines: Bool) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return !lines
        case 0x00...0x1F, 0x7F...0x9F: return true
        default: return false
        }
    }

    /// Why `text` is refused (a sentence naming the first refused character by code, never the text), or nil.
    public static func problem(_ text: some StringProtocol, lines: Bool, limit: Int) -> String? {
        var count = 0
        for scalar in text.unicodeScalars {
            if isRefused(scalar, lines: lines) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                return "contains the control character \(code): remove it (only printable characters\(lines ? ", tabs and line breaks" : "") are accepted)"
            }
            count += 1
            if count > limit { return "is longer than \(limit) characters: give at most \(limit)" }
        }
        return nil
    }

    /// The one rule for every reason (a transition's, an update's, an outcome's, a change to a user), checked by the
    /// engine whoever calls it: at most `InputLimits.reason` characters of printable text, tabs and line breaks
    /// allowed. Refused with 65, naming the rule, never the text.
    public static func check(reason: String?) throws(WorkflowError) {
        if let reason, let why = problem(reason, lines: true, limit: InputLimits.reason) {
            throw WorkflowError(.invalidData, "--reason \(why)")
        }
    }

    /// The start of `text` for a message: at most `quotedLength` characters, control characters shown as `\u{…}`.
    public static func quoted(_ text: some StringProtocol) -> String {
        var shown = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == quotedLength {
                shown += "…"
                break
            }
            if isRefused(scalar, lines: false) {
                shown += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return shown
    }
}

/// The sizes accepted, one place for each (README, "Limits").
public enum InputLimits {
    /// Characters of a `string`, `date`, `country`, `enum`, `int` or `decimal` value (and of each list item).
    public static let shortText = 500
    /// Characters of a `text` value, and of a whole list.
    public static let longText = 20_000
    /// Characters of a `json` value as text.
    public static let json = 1 << 20
    /// Characters of a reason.
    public static let reason = 2_000
    /// Bytes of one CSV record (a line, or several when a quoted value spans lines).
    public static let csvRecordBytes = 1 << 20
    /// Characters of any one command-line argument: the largest value (a `json` field) and its `KEY=`.
    public static let argument = json + 1_000
    /// Whole numbers of `int` fields: exact in every JSON reader (doubles hold 15 digits exactly).
    public static let largestInt = 999_999_999_999_999
    /// Digits of a `decimal`, not counting leading zeros or trailing zeros after the point: all are stored exactly.
    public static let decimalDigits = 28
    /// Dates and timestamps: the years a record of this domain can carry; outside them is a typing slip.
    public static let years = 1900...2100
    public static let dateRange = "1900-01-01 to 2100-12-31"
}
