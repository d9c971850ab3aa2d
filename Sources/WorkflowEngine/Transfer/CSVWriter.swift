import Foundation

/// Writes RFC 4180 CSV records: the counterpart of `CSVReader`.
///
/// A value is quoted when it holds a comma, a double quote, CR or LF (or starts or ends with a
/// space, which some readers trim), and quotes inside it are doubled. Records end in "\n", as
/// `rsoctl --format csv` writes them; every reader, ours included, accepts it.
///
/// ```swift
/// CSVWriter.record(["reference", "full_name"])   // "reference,full_name\n"
/// CSVWriter.record(["a,b", "say \"hi\""])         // "\"a,b\",\"say \"\"hi\"\"\"\n"
/// ```
public enum CSVWriter {
    /// One record, line break included.
    public static func record(_ values: [String]) -> String {
        var line = ""
        for (index, value) in values.enumerated() {
            if index > 0 { line += "," }
            line += field(value)
        }
        return line + "\n"
    }

    /// One value, quoted when it needs to be.
    public static func field(_ value: String) -> String {
        // Scalars, not Characters: "\r\n" is one Character and would match neither "\r" nor "\n".
        let scalars = value.unicodeScalars
        let needsQuotes = scalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
            || scalars.first == " " || scalars.last == " "
        guard needsQuotes else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
