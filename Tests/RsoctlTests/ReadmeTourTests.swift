import Foundation
import Testing

/// The README's tour, run as a newcomer would: every command of the ```sh block between `<!-- tour -->` and
/// `<!-- /tour -->`, in order, through /bin/sh, with the built rsoctl first on the PATH, a fresh SQLite file, and a
/// home without a config file. Only the demo's day is pinned (`--today`), so that nothing depends on today's date.
@Suite("README: the tour works, in order, right after the demo")
struct ReadmeTourTests {
    static let demoDay = "2026-11-23"

    /// The tour's commands, a command continued over lines with `\` joined into one; comments and blank lines dropped.
    static func commands(filePath: String = #filePath) throws -> [String] {
        let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- tour -->"), "README.md has no <!-- tour --> marker")
        let end = try #require(readme.range(of: "<!-- /tour -->", range: start.upperBound..<readme.endIndex),
                               "README.md has no <!-- /tour --> after <!-- tour -->")
        let lines = readme[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        #expect(lines.first(where: { !$0.isEmpty }) == "```sh", "the tour is one ```sh block")
        var commands: [String] = []
        var pending = ""
        for line in lines where !line.hasPrefix("```") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty && (trimmed.isEmpty || trimmed.hasPrefix("#")) { continue }
            if trimmed.hasSuffix("\\") {
                pending += String(trimmed.dropLast()) + " "
            } else {
                commands.append(pending + trimmed)
                pending = ""
            }
        }
        return commands
    }

    /// One tour command and what it printed.
    struct Step {
        let command: String
        var stdout = ""
    }

    @Test("every command of the README's tour exits 0, in order, after rsoctl demo on a fresh SQLite file, and prints what the README promises")
    func tourWorks() async throws {
        let commands = try Self.commands()
        try #require(commands.first?.hasPrefix("rsoctl demo") == true, "the tour starts with rsoctl demo: \(commands.first ?? "nothing")")
        #expect(commands.count > 30, "\(commands)")

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rso-tour-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        // Each command is announced on stdout and stderr, so that the output splits per command and a failure names its command.
        var script = "set -eu\ncd '\(dir.path)'\n"
        for (index, command) in commands.enumerated() {
            let pinned = index == 0 ? command.replacingOccurrences(of: "rsoctl demo", with: "rsoctl demo --today \(Self.demoDay)") : command
            script += "echo '@@step \(index)'; echo '@@step \(index)' >&2\n\(pinned)\n"
        }
        script += "echo '@@end'\n"

        let binary = try RsoctlProcess.binary()
        var environment = ProcessInfo.processInfo.environment
        for name in ["RSO_ACTOR", "RSO_DATABASE_URL", "RSO_CONFIG", "RSO_HOME"] { environment.removeValue(forKey: name) }
        environment["PATH"] = binary.deletingLastPathComponent().path + ":/usr/bin:/bin"
        environment["HOME"] = dir.path
        environment["XDG_CONFIG_HOME"] = dir.appendingPathComponent("config").path
        environment["RSO_DATABASE_URL"] = "sqlite:" + dir.appendingPathComponent("tour.sqlite").path
        let result = try await RsoctlProcess.Running(executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", script],
                                                     environment: environment, timeout: 600).result()

        var steps = commands.map { Step(command: $0) }
        var current: Int?
        for line in result.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("@@step ") { current = Int(line.dropFirst(7)); continue }
            if line == "@@end" { current = nil; continue }
            if let current { steps[current].stdout += line + "\n" }
        }
        let failed = result.stderr.components(separatedBy: "@@step ").last.flatMap { Int($0.prefix { $0.isNumber }) }
        try #require(result.exitCode == 0 && result.stdout.contains("@@end"),
                     "the tour stopped at `\(failed.map { commands[$0] } ?? "?")` (exit \(result.exitCode)): \(result.stderr.suffix(3000))")

        func output(of prefix: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
            try #require(steps.first { $0.command.hasPrefix(prefix) }, "no tour command starts with \(prefix)", sourceLocation: sourceLocation).stdout
        }
        // The demo: its heading and table together on stdout, with the date and a total row (the pilot's 48 cases and this week's).
        let demo = try output(of: "rsoctl demo")
        #expect(demo.hasPrefix("AVRR cases per stage, as of "), "\(demo)")
        #expect(demo.contains("cases dated from \(Self.demoDay)"), "\(demo)")
        #expect(demo.split(separator: "\n").contains { $0.split(separator: " ") == ["total", "62"] }, "\(demo)")
        // The users the tour acts as are there, and readable without --actor.
        let users = try output(of: "rsoctl users list")
        for name in ["rso.admin", "amina.caseworker", "chen.approver", "dewi.coordinator", "maria.manager"] {
            #expect(users.contains(name), "\(name) in \(users)")
        }
        // The new case's reference is printed and used from then on.
        let reference = try output(of: "echo \"$ref\"").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(reference.wholeMatch(of: /AVRR-\d{4}-\d{6}/) != nil, "\(reference)")
        let shown = try output(of: "rsoctl case show \"$ref\"")
        #expect(shown.contains(reference) && shown.contains("approved") && shown.contains("2026-12-05"), "\(shown)")
        // The flow of returns in the pilot's year is not empty.
        let flow = try output(of: "rsoctl metrics flow avrr")
        #expect(flow.contains(where: { "123456789".contains($0) }), "some returns between 2012-07 and 2013-06: \(flow)")
        // The JPA 4 operation's arrests: 4, then corrected to 3.
        let outcomes = try output(of: "rsoctl metrics outcomes jpa.operation --parent")
        #expect(outcomes.contains("3"), "\(outcomes)")
        let operations = try output(of: "rsoctl case list --parent")
        #expect(operations.contains("JPAOP-"), "\(operations)")
    }

    @Test("the README's tour block is found and its continued lines are joined")
    func extraction() throws {
        let commands = try Self.commands()
        #expect(commands.allSatisfy { !$0.hasSuffix("\\") && !$0.hasPrefix("#") })
        #expect(commands.contains { $0.hasPrefix("ref=$(rsoctl case open avrr") && $0.contains("--field category=irregular_migrant") })
    }
}
