import Foundation
import Testing

/// What a person reads in a terminal: help and tables fit its width, and help reads as whole paragraphs.
@Suite("rsoctl: help and tables fit the terminal")
struct TerminalWidthTests {
    /// Runs rsoctl with `COLUMNS` set (and the database, when given).
    static func run(_ arguments: [String], columns: Int, databaseURL: String? = nil) async throws -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "RSO_ACTOR")
        environment.removeValue(forKey: "RSO_DATABASE_URL")
        environment["COLUMNS"] = String(columns)
        environment["LINES"] = "25"
        if let databaseURL { environment["RSO_DATABASE_URL"] = databaseURL }
        environment = RsoctlProcess.withMasterKey(environment)
        return try await RsoctlProcess.Running(executable: try RsoctlProcess.binary(), arguments: arguments,
                                               environment: environment, timeout: RsoctlProcess.defaultTimeout).result()
    }

    /// The subcommand names a help text lists under SUBCOMMANDS.
    static func subcommands(_ help: String) -> [String] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("SUBCOMMANDS:") }) else { return [] }
        var names: [String] = []
        for line in lines[(start + 1)...] {
            if line.isEmpty || !line.hasPrefix("  ") { break }
            // Subcommand lines start at two spaces; wrapped abstracts are indented further.
            guard !line.hasPrefix("   "), let name = line.split(separator: " ").first else { continue }
            if name != "help" { names.append(String(name)) }
        }
        return names
    }

    /// Lines of prose broken in the middle of a sentence: a line followed, at the same indentation, by one going on in
    /// lower case whose first word would have fitted on it (a wrapper would have put it there: the break is a hard one).
    static func raggedBreaks(_ text: String, width: Int) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func indentation(_ line: String) -> Int { line.prefix { $0 == " " }.count }
        var found: [String] = []
        for (line, next) in zip(lines, lines.dropFirst()) {
            let body = line.trimmingCharacters(in: .whitespaces)
            guard !body.isEmpty, !body.hasPrefix("-"), !body.hasPrefix("USAGE:"), indentation(line) == indentation(next),
                  let word = next.split(separator: " ").first, let first = word.first, first.isLowercase else { continue }
            // A column layout (`  list      List users.`) is not prose.
            if next.trimmingCharacters(in: .whitespaces).contains("   ") { continue }
            // ArgumentParser leaves the last column empty, so a word fits when the line stays under the width.
            if line.count + 1 + word.count < width { found.append("\(line) ⏎ \(next)") }
        }
        return found
    }

    @Test("every command's help, at 80 columns, fits them and is wrapped once, as whole paragraphs")
    func helpFitsAndReadsAsParagraphs() async throws {
        var pending: [[String]] = [[]]
        var seen = 0
        while let path = pending.popLast(), seen < 100 {
            seen += 1
            let result = try await Self.run(path + ["--help"], columns: 80)
            try #require(result.exitCode == 0, "\(result)")
            let help = result.stdout
            let long = help.split(separator: "\n").filter { $0.count > 80 }.map(String.init)
            #expect(long.isEmpty, "rsoctl \(path.joined(separator: " ")) --help has lines over 80 columns: \(long)")
            let ragged = Self.raggedBreaks(help, width: 80)
            #expect(ragged.isEmpty, "rsoctl \(path.joined(separator: " ")) --help breaks sentences: \(ragged)")
            pending += Self.subcommands(help).map { path + [$0] }
        }
        #expect(seen > 20, "the walk reached every subcommand")
    }

    /// The words of a table as printed, label colons and the line of dashes aside: what must survive any layout.
    static func words(_ table: String) -> Set<String> {
        Set(table.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { word in
            word.hasSuffix(":") ? String(word.dropLast()) : String(word)
        }.filter { !$0.allSatisfy { $0 == "-" } })
    }

    /// Prints `arguments` at 80 and 200 columns and at a width that needs no fitting; each fits its width and shows
    /// every word of the unfitted one.
    static func expectFitted(_ arguments: [String], databaseURL: String? = nil,
                             sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let unfitted = try await run(arguments, columns: 10_000, databaseURL: databaseURL)
        try #require(unfitted.exitCode == 0, "\(unfitted)", sourceLocation: sourceLocation)
        #expect(unfitted.stdout.split(separator: "\n").contains { $0.count > 200 },
                "the table is wider than 200 columns unfitted, or this test shows nothing", sourceLocation: sourceLocation)
        for columns in [80, 200] {
            let fitted = try await run(arguments, columns: columns, databaseURL: databaseURL)
            try #require(fitted.exitCode == 0, "\(fitted)", sourceLocation: sourceLocation)
            let long = fitted.stdout.split(separator: "\n").filter { $0.count > columns }.map(String.init)
            #expect(long.isEmpty, "lines over \(columns) columns: \(long)", sourceLocation: sourceLocation)
            let missing = words(unfitted.stdout).subtracting(words(fitted.stdout))
            #expect(missing.isEmpty, "at \(columns) columns these are missing: \(missing)", sourceLocation: sourceLocation)
        }
    }

    @Test("workflow show fits its table to 80 and to 200 columns, every value still shown")
    func workflowShowFits() async throws {
        try await Self.expectFitted(["workflow", "show", "avrr"])
    }

    @Test("case history fits its table to 80 and to 200 columns, every value still shown", arguments: Backend.allCases)
    func caseHistoryFits(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let reference = try await db.openCase()
            try await db.advance(reference, "start_counselling")
            try await db.succeed(["case", "update", reference, "--field", "destination_country=IDN", "--field", "consent_signed_on=2026-01-05",
                                  "--reason", "the family asked to return before the school year starts, and the counsellor agreed after two sessions with them",
                                  "--actor", "amina"])
            try await Self.expectFitted(["case", "history", reference, "--actor", "maria"], databaseURL: db.url)
            // JSON and CSV are for programs: never fitted.
            for format in ["json", "csv"] {
                let narrow = try await Self.run(["case", "history", reference, "--actor", "maria", "--format", format], columns: 80, databaseURL: db.url)
                let wide = try await Self.run(["case", "history", reference, "--actor", "maria", "--format", format], columns: 10_000, databaseURL: db.url)
                #expect(narrow.exitCode == 0 && narrow.stdout == wide.stdout, "\(narrow)")
            }
        }
    }
}
