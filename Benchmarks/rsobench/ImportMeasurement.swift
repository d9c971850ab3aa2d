import Foundation
import WorkflowEngine

/// `rsoctl import avrr FILE.csv` as an operator runs it: rows per second and the process's peak memory, for a file
/// and one three times its size (flat memory means the same peak for both).
struct ImportMeasurement {
    let executable: String
    let databaseURL: String
    let rows: Int

    struct Result: Sendable, Encodable {
        let rows: Int
        let megabytes: Double
        let seconds: Double
        let rowsPerSecond: Double
        /// Peak resident memory of the rsoctl process (VmHWM, sampled while it ran).
        let peakRSSMiB: Double
    }

    func measure() throws -> [Result] {
        try [rows, 3 * rows].map { count in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("rsobench-import-\(count).csv")
            defer { try? FileManager.default.removeItem(at: file) }
            try Self.write(rows: count, to: file)
            let bytes = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            let (milliseconds, peakKiB) = try RsoctlLatency.time(
                executable, ["import", "avrr", file.path, "--database-url", databaseURL, "--actor", "bench-cw-01"])
            let seconds = milliseconds / 1_000
            let result = Result(rows: count, megabytes: Double(bytes) / 1_048_576, seconds: seconds,
                                rowsPerSecond: Double(count) / seconds, peakRSSMiB: Double(peakKiB) / 1_024)
            note(String(format: "import of %d rows (%.1f MB): %.1f s, %.0f rows/s, rsoctl peak RSS %.0f MiB",
                        count, result.megabytes, seconds, result.rowsPerSecond, result.peakRSSMiB))
            return result
        }
    }

    /// Synthetic AVRR intake rows: every field an intake fills in, names made up.
    static func write(rows: Int, to file: URL) throws {
        let countries = ["MMR", "LKA", "BGD", "AFG", "VNM", "KHM", "NPL", "PAK"]
        let hosts = ["THA", "IDN", "MYS"]
        let categories = ["irregular_migrant", "stranded_migrant", "rejected_asylum_seeker", "victim_of_trafficking"]
        var text = "full_name,date_of_birth,sex,nationality,host_country,category,vulnerabilities,household_ref,travel_document\r\n"
        text.reserveCapacity(rows * 120)
        for row in 0..<rows {
            let year = 1960 + row % 45, month = 1 + row % 12, day = 1 + row % 28
            let vulnerabilities = row % 5 == 0 ? "\"medical,elderly\"" : (row % 7 == 0 ? "pregnant" : "")
            text += "\"Traveller \(row), Bench\",\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day),"
            text += "\(row % 2 == 0 ? "female" : "male"),\(countries[row % countries.count]),\(hosts[row % hosts.count]),"
            text += "\(categories[row % categories.count]),\(vulnerabilities),HH-\(row / 3),\(row % 3 == 0 ? "valid" : "none")\r\n"
        }
        try Data(text.utf8).write(to: file)
    }
}
