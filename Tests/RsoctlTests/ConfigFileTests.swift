import Foundation
import Testing

/// The defaults file (`config.toml`: `database_url`, `actor`) and its precedence: flag > env > file > built-in default.
@Suite("rsoctl: defaults set once in a config file")
struct ConfigFileTests {
    /// A temporary home with its own config place; every run gets only the environment given here.
    struct Home {
        let dir: URL
        var database: String { dir.appendingPathComponent("rso.sqlite").path }

        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("rso-config-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }

        /// Writes `text` to `relative` under the home, creating its folders.
        @discardableResult
        func write(_ text: String, to relative: String) throws -> String {
            let url = dir.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            return url.path
        }

        /// Runs rsoctl with HOME set to this home, and only the RSO_* variables given.
        func rsoctl(_ arguments: [String], _ extra: [String: String] = [:]) async throws -> ProcessResult {
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("RSO_") && $0.key != "XDG_CONFIG_HOME" }
            environment["HOME"] = dir.path
            environment.merge(extra) { $1 }
            return try await RsoctlProcess.Running(executable: try RsoctlProcess.binary(), arguments: arguments,
                                                   environment: environment, timeout: RsoctlProcess.defaultTimeout).result()
        }

        func remove() { try? FileManager.default.removeItem(at: dir) }
    }

    @Test("~/.config/rso-workflow/config.toml sets the database and the actor; env and flags still override")
    func precedence() async throws {
        let home = try Home()
        defer { home.remove() }
        try home.write("database_url = \"sqlite:\(home.database)\"\nactor = \"amina\"\n", to: ".config/rso-workflow/config.toml")

        // The first user: added by anyone, into the file's database.
        let first = try await home.rsoctl(["users", "add", "root", "--role", "admin"])
        try #require(first.exitCode == 0, "\(first)")
        #expect(FileManager.default.fileExists(atPath: home.database), "the config file's database_url is used")
        // The file's actor is amina, who is no user yet: env RSO_ACTOR=root overrides it.
        let byEnv = try await home.rsoctl(["users", "add", "amina", "--role", "caseworker"], ["RSO_ACTOR": "root"])
        #expect(byEnv.exitCode == 0, "\(byEnv)")
        // Now the file's actor (a caseworker) acts: forbidden to add users.
        let byFile = try await home.rsoctl(["users", "add", "budi", "--role", "caseworker"])
        #expect(byFile.exitCode == 69, "\(byFile)")
        // The flag beats the environment.
        let byFlag = try await home.rsoctl(["users", "add", "budi", "--role", "caseworker", "--actor", "amina"], ["RSO_ACTOR": "root"])
        #expect(byFlag.exitCode == 69, "\(byFlag)")
        // And RSO_DATABASE_URL beats the file's database_url: the first user of another database lands there only.
        let other = home.dir.appendingPathComponent("other.sqlite").path
        let elsewhere = try await home.rsoctl(["users", "add", "olga", "--role", "admin"], ["RSO_DATABASE_URL": "sqlite:\(other)"])
        #expect(elsewhere.exitCode == 0, "\(elsewhere)")
        #expect(FileManager.default.fileExists(atPath: other))
        let here = try await home.rsoctl(["users", "list"])
        #expect(here.exitCode == 0 && here.stdout.contains("root") && !here.stdout.contains("olga"), "\(here)")
    }

    @Test("XDG_CONFIG_HOME moves the file; RSO_CONFIG names one, which must exist (64 naming it)")
    func locations() async throws {
        let home = try Home()
        defer { home.remove() }
        try home.write("database_url = \"sqlite:\(home.database)\"\n", to: "xdg/rso-workflow/config.toml")
        let xdg = try await home.rsoctl(["users", "add", "root", "--role", "admin"], ["XDG_CONFIG_HOME": home.dir.appendingPathComponent("xdg").path])
        #expect(xdg.exitCode == 0, "\(xdg)")
        #expect(FileManager.default.fileExists(atPath: home.database))

        let named = try home.write("actor = \"root\"\ndatabase_url = \"sqlite:\(home.database)\"\n", to: "elsewhere/rso.toml")
        let byName = try await home.rsoctl(["users", "add", "chen", "--role", "approver"], ["RSO_CONFIG": named])
        #expect(byName.exitCode == 0, "\(byName)")

        let missing = home.dir.appendingPathComponent("missing.toml").path
        let absent = try await home.rsoctl(["users", "list"], ["RSO_CONFIG": missing])
        #expect(absent.exitCode == 64, "\(absent)")
        #expect(absent.stderr.contains("config file \(missing) (RSO_CONFIG) does not exist"), "\(absent.stderr)")
    }

    @Test("a malformed config file is refused with 64 naming the file, the line and the key; an unknown key names the accepted keys",
          arguments: [
            ("actor = \"root\"\ndatabase_url = sqlite:/tmp/x\n", ["line 2", "not valid TOML", "accepted keys: database_url, actor"]),
            ("actor = \"root\"\n\ndatabse_url = \"sqlite:/tmp/x\"\n", ["line 3", "unknown key databse_url", "accepted keys: database_url, actor"]),
            ("actor = 42\n", ["line 1", "key actor must be a quoted string"]),
          ])
    func malformed(text: String, words: [String]) async throws {
        let home = try Home()
        defer { home.remove() }
        let path = try home.write(text, to: ".config/rso-workflow/config.toml")
        let result = try await home.rsoctl(["workflow", "list"])
        #expect(result.exitCode == 64, "\(result)")
        #expect(result.stderr.contains("config file \(path)"), "\(result.stderr)")
        for word in words { #expect(result.stderr.contains(word), "\(word) in \(result.stderr)") }
        let message = result.stderr.replacingOccurrences(of: path, with: "FILE")
        #expect(!message.contains("42") && !message.contains("/tmp/x"), "no value quoted: \(message)")
        #expect(result.stdout.isEmpty)
    }

    @Test("with no actor anywhere, the hint names the config file and users list, which works without an actor")
    func hintWorks() async throws {
        let home = try Home()
        defer { home.remove() }
        let env = ["RSO_DATABASE_URL": "sqlite:\(home.database)"]
        try #require(try await home.rsoctl(["users", "add", "root", "--role", "admin"], env).exitCode == 0)
        let refused = try await home.rsoctl(["case", "list"], env)
        #expect(refused.exitCode == 64, "\(refused)")
        let path = home.dir.appendingPathComponent(".config/rso-workflow/config.toml").path
        #expect(refused.stderr.contains("put actor = \"NAME\" in \(path)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("rsoctl users list shows the users"), "\(refused.stderr)")
        let users = try await home.rsoctl(["users", "list"], env)
        #expect(users.exitCode == 0, "\(users)")
        #expect(users.stdout.contains("root"), "\(users.stdout)")
    }

    @Test("docs/cli.md documents the config file as rsoctl reads it: its places, its exit code and every key rsoctl accepts")
    func documented() async throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/cli.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for place in ["`$RSO_CONFIG`", "`$XDG_CONFIG_HOME/rso-workflow/config.toml`", "`~/.config/rso-workflow/config.toml`"] {
            #expect(text.contains(place), "docs/cli.md names \(place)")
        }
        #expect(text.contains("a malformed config file"), "the exit codes table lists the config file under 64")
        // The keys rsoctl itself names when it refuses an unknown one.
        let home = try Home()
        defer { home.remove() }
        try home.write("colour = \"blue\"\n", to: ".config/rso-workflow/config.toml")
        let refused = try await home.rsoctl(["workflow", "list"])
        #expect(refused.exitCode == 64, "\(refused)")
        let accepted = try #require(refused.stderr.firstMatch(of: /accepted keys: ([a-z_, ]+)/)?.1, "\(refused.stderr)")
        for key in accepted.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            #expect(text.contains("`\(key)`"), "docs/cli.md documents the key \(key)")
        }
    }
}
