import Foundation
import Testing
import WorkflowEngine

/// `rsoctl import` and `rsoctl export` through the binary.
@Suite("rsoctl: import and export")
struct TransferCommandTests {
    /// Writes CSV text to a temporary file, runs `body` with its path, and removes it.
    static func withFile<T>(_ text: String, _ body: (String) async throws -> T) async throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rsoctl-import-\(UUID().uuidString).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }

    /// Imports `count` AVRR cases as amina, each with a 150-character household reference: about 200 bytes of export
    /// per case, so that an export of them outlasts what the sockets can buffer.
    static func importBulkyCases(_ db: TestDatabase, count: Int) async throws {
        let padding = String(repeating: "h", count: 150)
        let rows = (1...count).map { "Traveller \($0),THA,other,\(padding)" }
        _ = try await withFile("full_name,host_country,category,household_ref\n" + rows.joined(separator: "\n") + "\n") { path in
            try await db.succeed(["import", "avrr", path, "--actor", "amina"])
        }
    }

    /// Records of CSV output, header first.
    static func records(_ csv: String) throws -> [[String]] {
        var reader = CSVReader(string: csv)
        var records: [[String]] = []
        while let record = try reader.next() { records.append(record.fields) }
        return records
    }

    static let file = [
        "\u{FEFF}full_name,host_country,category,vulnerabilities,date_of_birth,opened_at",
        "\"Doe, Jane\",THA,irregular_migrant,\"medical,elderly\",1990-02-03,2013-06-10T08:00:00Z",
        "\"Ali \"\"the elder\"\"\",MYS,refugee,,,2013-06-20",
        "Nguyễn Thị Minh,IDN,stateless,,,2014-01-05T00:00:00Z",
    ].joined(separator: "\r\n") + "\r\n"

    @Test("import opens every row; export gives them back as CSV and JSON, as of a day", arguments: Backend.allCases)
    func importThenExportRoundTrips(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let imported = try await Self.withFile(Self.file) { path in
                try await db.json(["import", "avrr", path, "--actor", "amina", "--format", "json"])
            }
            #expect(imported["imported"] as? Int == 3)
            let blocks = try #require(imported["references"] as? [[String: Any]])
            #expect(blocks.map { $0["first"] as? String } == ["AVRR-2013-000001", "AVRR-2014-000001"])
            #expect(blocks.map { $0["last"] as? String } == ["AVRR-2013-000002", "AVRR-2014-000001"])

            let csv = try await db.succeed(["export", "avrr", "--actor", "amina"]).stdout
            let records = try Self.records(csv)
            let header = try #require(records.first)
            #expect(Array(header.prefix(3)) == ["reference", "state", "full_name"])
            func column(_ name: String) throws -> [String] {
                let index = try #require(header.firstIndex(of: name))
                return records.dropFirst().map { $0[index] }
            }
            #expect(try column("reference") == ["AVRR-2013-000001", "AVRR-2013-000002", "AVRR-2014-000001"])
            #expect(try column("state") == ["registered", "registered", "registered"])
            #expect(try column("full_name") == ["Doe, Jane", "Ali \"the elder\"", "Nguyễn Thị Minh"])
            #expect(try column("vulnerabilities") == ["medical,elderly", "", ""])
            #expect(try column("date_of_birth") == ["1990-02-03", "", ""])

            let history = try await db.events("AVRR-2013-000001")
            #expect(history.count == 1 && history[0]["kind"] as? String == "opened" && history[0]["actor"] as? String == "amina")

            _ = try await db.advance("AVRR-2013-000001", "start_counselling", ["--at", "2013-06-15T09:00:00Z"])
            let asOf = try await db.json(["export", "avrr", "--as-of", "2013-06-12", "--format", "json", "--actor", "amina"])
            #expect(asOf["workflow"] as? String == "avrr" && asOf["asOf"] as? String == "2013-06-12")
            let cases = try #require(asOf["cases"] as? [[String: Any]])
            #expect(cases.map { $0["reference"] as? String } == ["AVRR-2013-000001"])
            #expect(cases.first?["state"] as? String == "registered")
            let fields = try #require(cases.first?["fields"] as? [String: Any])
            #expect(fields["vulnerabilities"] as? [String] == ["medical", "elderly"])
            let later = try await db.json(["export", "avrr", "--as-of", "2013-06-20", "--format", "json", "--actor", "amina"])
            let laterCases = try #require(later["cases"] as? [[String: Any]])
            #expect(laterCases.map { $0["state"] as? String } == ["counselling", "registered"])
        }
    }

    @Test("a refused import exits 65, lists each problem's row and column, and writes nothing", arguments: Backend.allCases)
    func aRefusedImportWritesNothing(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let existing = try await db.openCase()
            let before = try await db.succeed(["export", "avrr", "--format", "json", "--actor", "amina"]).stdout
            let result = try await Self.withFile("full_name,host_country,category\nGood,THA,other\nBad,THAI,other\n,THA,refugee\n") { path in
                try await db.rsoctl(["import", "avrr", path, "--actor", "amina"])
            }
            #expect(result.exitCode == 65, "\(result)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("2 problems; nothing was imported"))
            #expect(result.stderr.contains("row 3, column 2 (host_country): 'THAI' is not an ISO 3166-1 alpha-3 country code"))
            #expect(result.stderr.contains("row 4, column 1 (full_name): is required"))
            let after = try await db.succeed(["export", "avrr", "--format", "json", "--actor", "amina"]).stdout
            #expect(after == before)
            let next = try await db.openCase()
            #expect(next == existing.dropLast(6) + "000002", "the refused import reserved no reference numbers")
        }
    }

    @Test("malformed CSV exits 65 naming the row and column; an unknown workflow exits 66", arguments: Backend.allCases)
    func malformedFilesAndUnknownWorkflows(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            try await Self.withFile("full_name,host_country,category\n\"Open,THA,other\nX,THA,other\n") { path in
                let malformed = try await db.rsoctl(["import", "avrr", path, "--actor", "amina"])
                #expect(malformed.exitCode == 65, "\(malformed)")
                #expect(malformed.stderr.contains("row 2, column 1 (full_name): a quoted field opened on line 2 is never closed"))
                let unknown = try await db.rsoctl(["import", "nope", path, "--actor", "amina"])
                #expect(unknown.exitCode == 66, "\(unknown)")
            }
            let missing = try await db.rsoctl(["import", "avrr", "/nonexistent/cases.csv", "--actor", "amina"])
            #expect(missing.exitCode == 66, "\(missing)")
            let export = try await db.rsoctl(["export", "nope", "--actor", "maria"])
            #expect(export.exitCode == 66 && export.stdout.isEmpty, "\(export)")
        }
    }

    @Test("export --excel writes a byte-order mark and CRLF; an exported file, Excel or not, imports back (reference and state ignored)",
          arguments: Backend.allCases)
    func exportedFilesImportBack(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            _ = try await Self.withFile(Self.file) { path in try await db.succeed(["import", "avrr", path, "--actor", "amina"]) }
            _ = try await db.advance("AVRR-2013-000001", "start_counselling", ["--at", "2013-06-15T09:00:00Z"])
            let plain = try await db.succeed(["export", "avrr", "--actor", "amina"]).stdout
            let excel = try await db.succeed(["export", "avrr", "--excel", "--actor", "amina"]).stdout
            #expect(excel.hasPrefix("\u{FEFF}reference,state,"), "\(excel.prefix(40))")
            #expect(excel.unicodeScalars.filter { $0 == "\n" }.count == excel.components(separatedBy: "\r\n").count - 1,
                    "every line ends in CRLF")
            #expect(try Self.records(excel.replacingOccurrences(of: "\u{FEFF}", with: "")) == Self.records(plain))
            for exported in [plain, excel] {
                let imported = try await Self.withFile(exported) { path in
                    try await db.json(["import", "avrr", path, "--again", "--actor", "amina", "--format", "json"])
                }
                #expect(imported["imported"] as? Int == 3, "\(imported)")
            }
            // The copies start afresh: new references, the initial state; their fields are the originals'.
            let all = try Self.records(try await db.succeed(["export", "avrr", "--actor", "amina"]).stdout)
            let header = try #require(all.first)
            let name = try #require(header.firstIndex(of: "full_name"))
            #expect(all.dropFirst().filter { $0[name] == "Doe, Jane" }.map { $0[1] } == ["counselling", "registered", "registered"])
            #expect(Set(all.dropFirst().map { $0[0] }).count == 9, "every case its own reference")
        }
    }

    @Test("a semicolon- or tab-separated file is refused once (65), saying how to save it as comma-separated UTF-8",
          arguments: Backend.allCases)
    func otherSeparatorsRefusedOnce(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let files = [("full_name;host_country;category\r\nJane;THA;other\r\n", "separated by semicolons (;), not commas"),
                         ("\u{FEFF}full_name\thost_country\tcategory\nJane\tTHA\tother\n", "separated by tabs, not commas"),
                         ("full_name|host_country|category\nJane|THA|other\n", "holds one column that names no field and no comma")]
            for (text, why) in files {
                let result = try await Self.withFile(text) { path in try await db.rsoctl(["import", "avrr", path, "--actor", "amina"]) }
                #expect(result.exitCode == 65, "\(result)")
                #expect(result.stderr.contains(why), "\(result)")
                #expect(result.stderr.contains("save as \"CSV UTF-8 (comma delimited)\""), "\(result)")
                #expect(!result.stderr.contains("no full_name column"), "one problem, not one per column: \(result)")
            }
        }
    }
}
