/// A case's human reference, `AVRR-2026-000042`: the workflow's prefix, the year the case opened and that year's
/// running number, zero-padded to six digits. A number past six digits grows (`AVRR-2026-1000000`): cutting it
/// to six would give the reference of an earlier case.
///
/// The one home of the format: SQLite and bulk imports call `format`, PostgreSQL (which numbers a case in the
/// statement that inserts it) uses `sql`, an expression that writes the same text.
public enum CaseReference {
    public static let minimumDigits = 6

    public static func format(prefix: String, year: Int, number: Int) -> String {
        let digits = String(number)
        return "\(prefix)-\(year)-\(String(repeating: "0", count: max(0, minimumDigits - digits.count)))\(digits)"
    }

    /// `format` as a PostgreSQL expression over three SQL expressions: `prefix` (text), `year` and `number`
    /// (integers). `lpad` cuts a longer string to its width, so the width is never less than the number's length.
    public static func sql(prefix: String, year: String, number: String) -> String {
        let digits = "(\(number))::text"
        return "\(prefix) || '-' || (\(year))::text || '-' || lpad(\(digits), greatest(\(minimumDigits), length(\(digits))), '0')"
    }
}
