import Foundation
import Testing
import WorkflowTestSupport

/// Bad input of every kind through the binary (issue 9): each is refused with a documented code below 128, a
/// sentence naming what is accepted, and nothing written; on both backends.
@Suite("rsoctl: bad input")
struct BadInputTests {
    /// A refused command: its exit code, the words its message must hold, and nothing on stdout.
    static func expect(_ result: ProcessResult, exitCode: Int32, mentions: [String],
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.exitCode == exitCode, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(result)", sourceLocation: sourceLocation)
        for mention in mentions {
            #expect(result.stderr.contains(mention), "stderr should name \(mention): \(result.stderr.prefix(2_000))", sourceLocation: sourceLocation)
        }
        // A message names a value by its start only, and never passes a control character to the terminal.
        #expect(result.stderr.utf8.count < 4_000, "stderr is \(result.stderr.utf8.count) bytes", sourceLocation: sourceLocation)
        #expect(!result.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) },
                "stderr holds a control character", sourceLocation: sourceLocation)
    }

    static let open = ["case", "open", "avrr", "--actor", "amina", "--format", "json"]
    static let valid = ["--field", "full_name=Test Person", "--field", "host_country=THA", "--field", "category=other"]

    /// Writes bytes to a temporary file, runs `body` with its path, and removes it.
    static func withFile<T>(_ bytes: [UInt8], _ body: (String) async throws -> T) async throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rsoctl-bad-\(UUID().uuidString).csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }

    /// Runs rsoctl with `arguments` and one more argument whose bytes are `raw` (printf `%b` escapes, e.g. `\0377`):
    /// through the shell, since a Swift string cannot hold bytes that are not UTF-8.
    static func rsoctl(_ db: TestDatabase, _ arguments: [String], rawLast raw: String) async throws -> ProcessResult {
        var environment = RsoctlProcess.withoutDefaults(ProcessInfo.processInfo.environment)
        environment["RSO_DATABASE_URL"] = db.url
        environment = RsoctlProcess.withMasterKey(environment)
        environment["RSO_TEST_RAW_ARGUMENT"] = raw
        let script = #"exec "$0" "$@" "$(printf '%b' "$RSO_TEST_RAW_ARGUMENT")""#
        return try await RsoctlProcess.Running(executable: URL(fileURLWithPath: "/bin/sh"),
                                               arguments: ["-c", script, try RsoctlProcess.binary().path] + arguments,
                                               environment: environment, timeout: RsoctlProcess.defaultTimeout).result()
    }

    /// Cases of every workflow, and the history of `reference`: what a refused command must leave as it was.
    static func written(_ db: TestDatabase, _ reference: String) async throws -> (Int, String) {
        let list = try await db.json(["case", "list", "--limit", "1000", "--actor", "maria", "--format", "json"])
        let cases = try #require(list["cases"] as? [[String: Any]])
        return (cases.count, try await db.rawHistory(reference))
    }

    // MARK: - one test per rule

    @Test("numbers: Int.min and Int.max as COUNT, --expect-version and --limit are refused naming their range, never a crash",
          arguments: Backend.allCases)
    func numbersOutOfRange(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let period = try await db.activePeriod(named: "JPA Bounds")
            let op = try await db.operation(in: period, named: "Op Bounds")
            let before = try await Self.written(db, op)
            // A count is data: out of range is 65 whether or not an integer could hold it.
            for count in [String(Int.min), String(Int.max), "-1000001", "99999999999999999999"] {
                Self.expect(try await db.rsoctl(JPAOutcomeTests.recordCommand(op, "arrests", count, ["--reason", "fix"])),
                            exitCode: 65, mentions: ["at most 1000000"])
            }
            Self.expect(try await db.rsoctl(JPAOutcomeTests.recordCommand(op, "arrests", "4x")),
                        exitCode: 64, mentions: ["from -1000000 to 1000000"])
            for version in [String(Int.min), "0", "99999999999999999999"] {
                Self.expect(try await db.rsoctl(["case", "advance", op, "close", "--expect-version", version, "--actor", "cora"]),
                            exitCode: 64, mentions: ["--expect-version", "from 1 to 2147483647"])
            }
            for limit in ["0", String(Int.min), "--limit=99999999999999999999"] {
                let arguments = limit.hasPrefix("--") ? [limit] : ["--limit", limit]
                Self.expect(try await db.rsoctl(["case", "list", "--actor", "maria"] + arguments),
                            exitCode: 64, mentions: ["--limit", "from 1 to 1000000"])
            }
            #expect(try await Self.written(db, op) == before)
        }
    }

    @Test("dates and times outside 1900-01-01 to 2100-12-31 are 65 in fields, --at, --as-of and CSV, on both backends",
          arguments: Backend.allCases)
    func datesOutOfRange(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let reference = try await db.openCase()
            let before = try await Self.written(db, reference)
            for day in ["0000-01-01", "1581-10-10", "1899-12-31", "2101-01-01"] {
                Self.expect(try await db.rsoctl(Self.open + Self.valid + ["--field", "date_of_birth=\(day)"]),
                            exitCode: 65, mentions: ["date_of_birth", "1900-01-01 to 2100-12-31"])
                Self.expect(try await db.rsoctl(Self.open + Self.valid + ["--at", day]),
                            exitCode: 65, mentions: ["--at", "1900-01-01 to 2100-12-31"])
                Self.expect(try await db.rsoctl(["metrics", "stages", "avrr", "--as-of", day, "--actor", "maria"]),
                            exitCode: 65, mentions: ["--as-of", "1900-01-01 to 2100-12-31"])
                Self.expect(try await db.rsoctl(Self.open + Self.valid + ["--field", "departure_date=\(day)"]),
                            exitCode: 65, mentions: ["departure_date", "1900-01-01 to 2100-12-31"])
                Self.expect(try await db.rsoctl(["case", "update", reference, "--field", "household_ref=H1", "--at", day, "--actor", "amina"]),
                            exitCode: 65, mentions: ["--at", "1900-01-01 to 2100-12-31"])
                let file = "full_name,host_country,category,opened_at\nA Person,THA,other,\(day)T00:00:00Z\n"
                let imported = try await Self.withFile(Array(file.utf8)) { try await db.rsoctl(["import", "avrr", $0, "--actor", "amina"]) }
                Self.expect(imported, exitCode: 65, mentions: ["row 2, column 4 (opened_at)", "1900-01-01 to 2100-12-31"])
            }
            Self.expect(try await db.rsoctl(Self.open + Self.valid + ["--at", "0000-01-01T00:00:00Z"]),
                        exitCode: 65, mentions: ["--at", "1900-01-01 to 2100-12-31"])
            Self.expect(try await db.rsoctl(["metrics", "flow", "avrr", "--into", "returned", "--from", "1899-12-31", "--to", "2026-01-31", "--actor", "maria"]),
                        exitCode: 65, mentions: ["--from", "1900-01-01 to 2100-12-31"])
            Self.expect(try await db.rsoctl(["metrics", "flow", "avrr", "--into", "returned", "--from", "2026-01-01", "--to=2101-01-01", "--actor", "maria"]),
                        exitCode: 65, mentions: ["--to", "1900-01-01 to 2100-12-31"])
            #expect(try await Self.written(db, reference) == before)
        }
    }

    @Test("control characters and bytes that are not UTF-8 are 65 before anything reaches the database", arguments: Backend.allCases)
    func controlCharactersAndInvalidUTF8(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let reference = try await db.openCase()
            let before = try await Self.written(db, reference)
            // A NUL in a CSV cell: PostgreSQL's COPY failed (71, and logged the row); SQLite cut the value short.
            let nul = Array("full_name,host_country,category\nNur".utf8) + [0] + Array(" Rahman,THA,other\n".utf8)
            let imported = try await Self.withFile(nul) { try await db.rsoctl(["import", "avrr", $0, "--actor", "amina"]) }
            Self.expect(imported, exitCode: 65, mentions: ["row 2, column 1 (full_name)", "U+0000"])
            #expect(!imported.stderr.contains("Nur"), "a personal value was echoed: \(imported.stderr)")
            let badBytes = Array("full_name,host_country,category\nNur ".utf8) + [0xFF, 0xFE] + Array(",THA,other\n".utf8)
            Self.expect(try await Self.withFile(badBytes) { try await db.rsoctl(["import", "avrr", $0, "--actor", "amina"]) },
                        exitCode: 65, mentions: ["row 2", "UTF-8"])
            // A terminal escape sequence in a field or a reason.
            Self.expect(try await db.rsoctl(Self.open + ["--field", "full_name=Nur\u{1B}[2J", "--field", "host_country=THA", "--field", "category=other"]),
                        exitCode: 65, mentions: ["U+001B"])
            Self.expect(try await db.rsoctl(["case", "update", reference, "--field", "departure_date=2026-01-01",
                                             "--reason", "booked\u{9B}31m", "--actor", "amina"]),
                        exitCode: 65, mentions: ["--reason", "U+009B"])
            Self.expect(try await db.rsoctl(Self.open + ["--field", "full_name=Nur\nRahman", "--field", "host_country=THA", "--field", "category=other"]),
                        exitCode: 65, mentions: ["full_name", "U+000A"])
            // A name.
            Self.expect(try await db.rsoctl(["users", "add", "eve\u{7}", "--role", "caseworker", "--actor", "root"]),
                        exitCode: 65, mentions: ["U+0007"])
            // Bytes that are not UTF-8 on the command line (Swift would have turned them into U+FFFD).
            Self.expect(try await Self.rsoctl(db, Self.open + Self.valid.dropLast(2), rawLast: "--field=category=other\\0377"),
                        exitCode: 65, mentions: ["not valid UTF-8"])
            Self.expect(try await Self.rsoctl(db, Self.open + Self.valid, rawLast: "--field=household_ref=\\0355\\0240\\0200"),
                        exitCode: 65, mentions: ["not valid UTF-8"])
            #expect(try await Self.written(db, reference) == before)
        }
    }

    @Test("table output shows a tab inside a value as an escape, never as the character", arguments: [Backend.sqlite])
    func tableOutputEscapesControlCharacters(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let shown = try await db.succeed(Self.open.dropLast(2) + Self.valid + ["--field", "reintegration_plan=step one\tstep two"])
            #expect(shown.stdout.contains("step one\\u{9}step two"), "\(shown)")
            #expect(!shown.stdout.contains("\t"), "\(shown)")
        }
    }

    @Test("a decimal of 60 digits and JSON with a trailing comma are 65, not rounded or accepted", arguments: Backend.allCases)
    func decimalsAndStrictJSON(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let reference = try await db.openCase()
            let before = try await Self.written(db, reference)
            let sixty = "1." + String(repeating: "3", count: 59)
            Self.expect(try await db.rsoctl(Self.open + Self.valid + ["--field", "reintegration_grant_usd=\(sixty)"]),
                        exitCode: 65, mentions: ["reintegration_grant_usd", "more than 28 digits"])
            let openCRVS = ["case", "open", "crvs", "--field", "country=THA", "--actor", "cora"]
            let commas = #"{"refugees": {"birth": "partial",},}"#
            Self.expect(try await db.rsoctl(openCRVS + ["--field", "access=\(commas)"]),
                        exitCode: 65, mentions: ["access", "is not valid JSON", "trailing comma"])
            Self.expect(try await db.rsoctl(openCRVS + ["--field", #"access={"refugees": {"birth": "x\u0000"}}"#]),
                        exitCode: 65, mentions: ["access", "U+0000"])
            #expect(try await Self.written(db, reference) == before)
        }
    }

    @Test("sizes: a 100 KB name, a long reason and a CSV of one 2 MiB line are 65 with short messages", arguments: Backend.allCases)
    func sizesAreBounded(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let reference = try await db.openCase()
            let before = try await Self.written(db, reference)
            let huge = String(repeating: "N", count: 100_000)
            Self.expect(try await db.rsoctl(Self.open + ["--field", "full_name=\(huge)", "--field", "host_country=THA", "--field", "category=other"]),
                        exitCode: 65, mentions: ["full_name", "longer than 500 characters"])
            Self.expect(try await db.rsoctl(Self.open + Self.valid + ["--field", "household_ref=\(huge)"]),
                        exitCode: 65, mentions: ["household_ref", "longer than 500 characters"])
            Self.expect(try await db.rsoctl(["case", "update", reference, "--field", "departure_date=2026-01-01",
                                             "--reason", String(repeating: "r", count: 2_001), "--actor", "amina"]),
                        exitCode: 65, mentions: ["--reason is longer than 2000 characters"])
            Self.expect(try await db.rsoctl(["case", "show", String(repeating: "R", count: 5_000), "--actor", "maria"]),
                        exitCode: 65, mentions: ["longer than 1024 characters"])
            let line = Array(repeating: UInt8(ascii: "x"), count: 2 << 20) + [UInt8(ascii: "\n")]
            Self.expect(try await Self.withFile(line) { try await db.rsoctl(["import", "avrr", $0, "--actor", "amina"]) },
                        exitCode: 65, mentions: ["line 1", "1 MiB"])
            let header = "full_name,host_country,category," + String(repeating: "c", count: 100_000) + "\n"
            Self.expect(try await Self.withFile(Array(header.utf8)) { try await db.rsoctl(["import", "avrr", $0, "--actor", "amina"]) },
                        exitCode: 65, mentions: ["is not a field of avrr"])
            #expect(try await Self.written(db, reference) == before)
        }
    }

    @Test("import of a directory or a missing file is 66 with a sentence")
    func importOfADirectoryOrAMissingFile() async throws {
        try await TestDatabase.with(.sqlite) { db in
            try await db.addStandardUsers()
            let directory = FileManager.default.temporaryDirectory.path
            Self.expect(try await db.rsoctl(["import", "avrr", directory, "--actor", "amina"]),
                        exitCode: 66, mentions: ["\(directory) is a directory: give the path of a CSV file"])
            #expect(!(try await db.rsoctl(["import", "avrr", directory, "--actor", "amina"])).stderr.contains("NSCocoaErrorDomain"))
            Self.expect(try await db.rsoctl(["import", "avrr", "/nonexistent/cases.csv", "--actor", "amina"]),
                        exitCode: 66, mentions: ["cannot read /nonexistent/cases.csv: no such file"])
        }
    }

    // MARK: - fuzzing

    /// Values no field of the slot's type accepts. None is empty, and none is valid text for a string field except
    /// through its length or its control characters.
    static func badValue(_ random: inout SeededRandom, textual: Bool, decimal: Bool = false) -> String {
        let controls = ["\u{1}", "\u{7}", "\u{8}", "\u{1B}[2J", "\u{1B}]0;owned\u{7}", "\u{7F}", "\u{85}", "\u{9B}", "\n", "\r"]
        let printable = "abcXYZ019 éü中"
        let huge = String(repeating: String(printable.randomElement(using: &random)!), count: Int.random(in: 501...100_000, using: &random))
        let control = "ab" + controls.randomElement(using: &random)! + "cd"
        if textual { return Bool.random(using: &random) ? huge : control }
        let others = [
            huge, control, String(Int.min), String(Int.max), "9223372036854775808", "-0.5", "1e400", "NaN",
            String(repeating: "7", count: 60), "0000-01-01", "1581-10-10", "2101-01-01", "-2000-01-01", "2026-02-30",
            "+2026-01-01", "{\"a\":1,}", "\u{FFFD}", "\u{202E}THA",
        ]
        let value = others.randomElement(using: &random)!
        // Int.max and past it are decimals a decimal field takes: give one with too many digits instead.
        return decimal && value.allSatisfy(\.isNumber) ? String(repeating: "7", count: 60) : value
    }

    @Test("fuzz: 24 seeded bad values per backend in fields, options, CSV cells and JSON: each refused (64 or 65), nothing written",
          arguments: Backend.allCases)
    func fuzz(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let reference = try await db.openCase()
            let before = try await Self.written(db, reference)
            var random = SeededRandom(seed: 9)
            // (field, textual): a string field only refuses what is too long or holds control characters.
            let fields = [("full_name", true), ("household_ref", true), ("date_of_birth", false), ("host_country", false),
                          ("reintegration_grant_usd", false), ("vulnerabilities", false), ("sex", false), ("fit_to_travel", false)]
            for round in 0..<24 {
                let (field, textual) = fields.randomElement(using: &random)!
                let bad = Self.badValue(&random, textual: textual, decimal: field == "reintegration_grant_usd")
                let result: ProcessResult
                switch round % 6 {
                case 0, 1:
                    let rest = Self.valid.enumerated().filter { $0.offset % 2 == 1 && !$0.element.hasPrefix("\(field)=") }.flatMap { ["--field", $0.element] }
                    result = try await db.rsoctl(Self.open + rest + ["--field", "\(field)=\(bad)"])
                case 2:
                    let option = ["--at", "--expect-version", "--reason"].randomElement(using: &random)!
                    let value = option == "--reason" ? String(repeating: "r", count: 2_001) + bad : bad
                    result = try await db.rsoctl(["case", "update", reference, "--field", "departure_date=2026-01-01",
                                                  option, value, "--actor", "amina"])
                case 3, 4:
                    // A CSV cell: any byte sequence, NUL and bytes that are not UTF-8 included.
                    var cell = Array(bad.utf8)
                    if Bool.random(using: &random) { cell += [[0], [0xFF], [0xC3], [0xED, 0xA0, 0x80]].randomElement(using: &random)! }
                    let quoted = [UInt8(ascii: "\"")] + cell.flatMap { $0 == UInt8(ascii: "\"") ? [$0, $0] : [$0] } + [UInt8(ascii: "\"")]
                    let header = Array("full_name,host_country,category,\(field == "full_name" || field == "host_country" ? "household_ref" : field)\n".utf8)
                    let row = Array("Good Name,THA,other,".utf8) + quoted + [UInt8(ascii: "\n")]
                    let file = field == "full_name" || field == "host_country"
                        ? Array("full_name,host_country,category\n".utf8) + (field == "full_name" ? quoted + Array(",THA,other\n".utf8)
                                                                               : Array("Good Name,".utf8) + quoted + Array(",other\n".utf8))
                        : header + row
                    result = try await Self.withFile(file) { try await db.rsoctl(["import", "avrr", $0, "--actor", "amina"]) }
                default:
                    // Inside the CRVS access JSON: as a string value, or as raw JSON text.
                    let encoded = String(decoding: try JSONEncoder().encode(bad), as: UTF8.self)
                    let access = Bool.random(using: &random) ? #"{"refugees": {"birth": \#(encoded)}}"# : #"{"refugees": \#(bad)}"#
                    result = try await db.rsoctl(["case", "open", "crvs", "--field", "country=THA", "--field", "access=\(access)", "--actor", "cora"])
                }
                #expect([64, 65].contains(result.exitCode), "round \(round), \(field): \(result.arguments.joined(separator: " ").prefix(300)) exited \(result.exitCode): \(result.stderr.prefix(500))")
                #expect(!result.timedOut)
            }
            #expect(try await Self.written(db, reference) == before)
        }
    }
}
