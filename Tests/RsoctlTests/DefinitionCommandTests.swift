import Foundation
import Testing

/// Commands whose output does not depend on the backend: graphs, listings, CSV.
@Suite("rsoctl: definitions, listings and CSV")
struct DefinitionCommandTests {
    @Test("workflow graph avrr --format mermaid starts with stateDiagram-v2 and names every state")
    func mermaidGraph() async throws {
        try await TestDatabase.with(.sqlite) { db in
            let result = try await db.succeed(["workflow", "graph", "avrr", "--format", "mermaid"])
            #expect(result.stdout.hasPrefix("stateDiagram-v2"), "\(result.stdout.prefix(200))")
            for state in MetricsAndDemoTests.avrrStates {
                #expect(result.stdout.contains(state), "\(state) missing from the mermaid graph")
            }
        }
    }

    @Test("workflow graph avrr --format dot starts with digraph")
    func dotGraph() async throws {
        try await TestDatabase.with(.sqlite) { db in
            let result = try await db.succeed(["workflow", "graph", "avrr", "--format", "dot"])
            #expect(result.stdout.hasPrefix("digraph"), "\(result.stdout.prefix(200))")
            #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("}"))
        }
    }

    @Test("workflow list and modules list exit 0 and name avrr")
    func listings() async throws {
        try await TestDatabase.with(.sqlite) { db in
            for command in [["workflow", "list"], ["modules", "list"]] {
                let result = try await db.succeed(command)
                #expect(result.stdout.contains("avrr"), "\(result)")
            }
        }
    }

    @Test("case list --format csv parses as CSV with a header row and one row per case")
    func caseListCSV() async throws {
        try await TestDatabase.with(.sqlite) { db in
            try await db.addStandardUsers()
            var references: [String] = []
            for _ in 0..<3 { references.append(try await db.openCase()) }
            try await db.advance(references[1], "start_counselling")

            let result = try await db.succeed(["case", "list", "--actor", "maria", "--format", "csv"])
            let rows = try CSV.parse(result.stdout)
            try #require(rows.count == 4, "header plus three cases: \(rows)")
            let header = rows[0]
            #expect(header.contains("reference"), "header: \(header)")
            #expect(header.contains("state"), "header: \(header)")
            #expect(rows.allSatisfy { $0.count == header.count }, "every row as wide as the header: \(rows)")
            let referenceColumn = try #require(header.firstIndex(of: "reference"))
            let stateColumn = try #require(header.firstIndex(of: "state"))
            #expect(Set(rows.dropFirst().map { $0[referenceColumn] }) == Set(references))
            let states = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[referenceColumn], $0[stateColumn]) })
            #expect(states[references[1]] == "counselling")
            #expect(states[references[0]] == "registered")
        }
    }

    @Test("the CSV reader used here handles quotes, doubled quotes and line breaks")
    func csvReaderSelfCheck() throws {
        #expect(try CSV.parse("a,b\n\"x,1\",\"say \"\"hi\"\"\"\n\"two\nlines\",\n") ==
                [["a", "b"], ["x,1", "say \"hi\""], ["two\nlines", ""]])
        #expect(throws: RsoctlTestError.self) { try CSV.parse("a,b\n\"open,1\n") }
    }
}

/// A strict RFC 4180 reader (LF or CRLF record ends): fails on an unterminated quote or a stray quote.
enum CSV {
    static func parse(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var inQuotes = false
        var fieldWasQuoted = false
        var scalars = Array(text.unicodeScalars)[...]
        while let c = scalars.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if scalars.first == "\"" { scalars.removeFirst(); field.unicodeScalars.append("\"") } else { inQuotes = false }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                guard field.isEmpty, !fieldWasQuoted else { throw RsoctlTestError("stray quote in CSV field \(field)") }
                inQuotes = true
                fieldWasQuoted = true
            case ",":
                row.append(field); field = ""; fieldWasQuoted = false
            case "\r" where scalars.first == "\n":
                continue
            case "\n":
                row.append(field); rows.append(row)
                row = []; field = ""; fieldWasQuoted = false
            default:
                guard !fieldWasQuoted else { throw RsoctlTestError("text after a closing quote in CSV") }
                field.unicodeScalars.append(c)
            }
        }
        guard !inQuotes else { throw RsoctlTestError("unterminated quoted CSV field") }
        if !field.isEmpty || !row.isEmpty || fieldWasQuoted { row.append(field); rows.append(row) }
        return rows
    }
}
