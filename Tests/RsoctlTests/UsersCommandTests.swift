import Foundation
import Testing

/// `rsoctl users disable|enable|roles|show` through the binary, on both backends: only admins change users, every
/// change is recorded with who, when, what and why, and a disabled user's every command is refused (69).
@Suite("rsoctl: users disable, enable, roles and show")
struct UsersCommandTests {
    static func refused(_ result: ProcessResult, _ code: Int32, _ mentions: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        BadInputTests.expect(result, exitCode: code, mentions: mentions, sourceLocation: sourceLocation)
    }

    /// `users show NAME --format json` as root, exactly as printed.
    static func shown(_ db: TestDatabase, _ name: String) async throws -> String {
        try await db.succeed(["users", "show", name, "--actor", "root", "--format", "json"]).stdout
    }

    @Test("a disabled user's every command is refused with 69, reads included, until an admin enables them",
          arguments: Backend.allCases)
    func aDisabledUserIsRefused(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let ref = try await db.openCase()
            try await db.advance(ref, "start_counselling")
            let history = try await db.rawHistory(ref)

            let disabled = try await db.json(["users", "disable", "amina", "--reason", "left the mission", "--actor", "root", "--format", "json"])
            #expect(disabled["enabled"] as? Bool == false && disabled["disabledAt"] is String, "\(disabled)")

            let commands: [[String]] = [
                ["case", "show", ref],
                ["case", "history", ref],
                ["case", "list", "--workflow", "avrr"],
                ["case", "advance", ref, "hold", "--reason", "travel ban"],
                ["case", "update", ref, "--field", "nationality=MMR", "--reason", "confirmed"],
                ["case", "open", "avrr", "--field", "full_name=Other Person", "--field", "host_country=THA", "--field", "category=other"],
                ["metrics", "stages", "avrr"],
                ["export", "avrr", "--format", "csv"],
                ["users", "list"],
                ["users", "show", "amina"],
            ]
            for command in commands {
                Self.refused(try await db.rsoctl(command + ["--actor", "amina"]), 69,
                             ["user amina is disabled since 20", "an admin can enable it with rsoctl users enable"])
            }
            #expect(try await db.rawHistory(ref) == history, "nothing amina asked was written")
            let listed = try await db.json(["users", "list", "--format", "json"])
            let amina = try #require((listed["users"] as? [[String: Any]])?.first { $0["name"] as? String == "amina" })
            #expect(amina["enabled"] as? Bool == false, "\(amina)")

            let enabled = try await db.json(["users", "enable", "amina", "--reason", "back from leave", "--actor", "root", "--format", "json"])
            #expect(enabled["enabled"] as? Bool == true && JSON.has(enabled, "disabledAt") && enabled["disabledAt"] is NSNull, "\(enabled)")
            #expect(try await db.advance(ref, "hold", ["--reason", "travel ban"])["state"] as? String == "on_hold")
        }
    }

    @Test("roles given or taken away hold from the user's next command", arguments: Backend.allCases)
    func rolesTakeEffectAtOnce(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            Self.refused(try await db.rsoctl(["case", "open", "avrr", "--field", "full_name=Test Person", "--field", "host_country=THA",
                                              "--field", "category=other", "--actor", "chen"]), 69, ["chen"])
            let given = try await db.json(["users", "roles", "chen", "--add", "caseworker", "--add", "manager", "--reason", "covers counselling",
                                           "--actor", "root", "--format", "json"])
            #expect(Set(given["roles"] as? [String] ?? []) == ["approver", "caseworker", "manager"], "\(given)")
            let ref = try await db.openCase(actor: "chen")

            try await db.succeed(["users", "roles", "chen", "--remove", "caseworker,manager", "--reason", "four eyes", "--actor", "root"])
            Self.refused(try await db.rsoctl(["case", "advance", ref, "start_counselling", "--actor", "chen"]), 69, ["chen", "caseworker"])
        }
    }

    @Test("only an admin changes users; a refusal writes nothing", arguments: Backend.allCases)
    func onlyAdmins(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let before = try await Self.shown(db, "chen")
            for command in [
                ["users", "disable", "chen", "--reason", "why not"],
                ["users", "enable", "chen", "--reason", "why not"],
                ["users", "roles", "chen", "--add", "admin", "--reason", "why not"],
                ["users", "roles", "amina", "--add", "admin", "--reason", "promote myself"],
            ] {
                Self.refused(try await db.rsoctl(command + ["--actor", "amina"]), 69, ["amina may not", "only an admin may"])
            }
            Self.refused(try await db.rsoctl(["users", "show", "chen", "--actor", "amina"]), 69, ["only an admin may"])
            #expect(try await Self.shown(db, "chen") == before)
            #expect(!(try await Self.shown(db, "amina")).contains("\"admin\""))
        }
    }

    @Test("users show lists every change, oldest first: who, when, what and why (table and documented JSON)",
          arguments: Backend.allCases)
    func theChangeLog(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            try await db.succeed(["users", "roles", "chen", "--add", "caseworker", "--reason", "covers counselling", "--actor", "root"])
            try await db.succeed(["users", "disable", "chen", "--reason", "on leave until March", "--actor", "root"])
            try await db.succeed(["users", "enable", "chen", "--reason", "back early", "--actor", "root"])
            try await db.succeed(["users", "roles", "chen", "--remove", "approver", "--reason", "four eyes: not both", "--actor", "root"])

            let shown = try await db.json(["users", "show", "chen", "--actor", "chen", "--format", "json"])  // anyone sees themself
            let user = try #require(shown["user"] as? [String: Any], "\(shown)")
            #expect(user["name"] as? String == "chen" && user["roles"] as? [String] == ["caseworker"] && user["enabled"] as? Bool == true)
            #expect(Set(user.keys) == ["name", "roles", "enabled", "disabledAt", "createdAt", "createdBy"], "\(user)")
            let changes = try #require(shown["changes"] as? [[String: Any]], "\(shown)")
            #expect(changes.map { $0["change"] as? String } == ["added", "roles", "disabled", "enabled", "roles"])
            #expect(changes.map { $0["by"] as? String } == Array(repeating: "root", count: 5))
            #expect(changes.map { $0["reason"] as? String } == [nil, "covers counselling", "on leave until March", "back early", "four eyes: not both"])
            #expect(changes.map { $0["rolesAdded"] as? [String] } == [["approver"], ["caseworker"], [], [], []])
            #expect(changes.map { $0["rolesRemoved"] as? [String] } == [[], [], [], [], ["approver"]])
            #expect(changes.allSatisfy { Set($0.keys) == ["at", "by", "change", "rolesAdded", "rolesRemoved", "reason"] && $0["at"] is String })

            let table = try await db.succeed(["users", "show", "chen", "--actor", "root"]).stdout
            for words in ["on leave until March", "+caseworker", "-approver", "disabled", "root"] {
                #expect(table.contains(words), "\(words) in \(table)")
            }
            // The first user was added by no one.
            let root = try await db.json(["users", "show", "root", "--actor", "root", "--format", "json"])
            #expect((root["changes"] as? [[String: Any]])?.first?["by"] is NSNull, "\(root)")
        }
    }

    @Test("bad input is refused with its documented code, naming what is accepted, and writes nothing",
          arguments: Backend.allCases)
    func badInput(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let chen = try await Self.shown(db, "chen"), root = try await Self.shown(db, "root")
            let refusals: [([String], Int32, [String])] = [
                (["users", "disable", "nobody", "--reason", "left"], 66, ["no user nobody", "rsoctl users list"]),
                (["users", "roles", "nobody", "--add", "manager", "--reason", "x"], 66, ["no user nobody"]),
                (["users", "roles", "chen", "--add", "wizard", "--reason", "x"], 64, ["unknown role wizard", "caseworker, approver, coordinator, manager, admin"]),
                (["users", "roles", "chen", "--add", "system", "--reason", "x"], 64, ["unknown role system"]),
                (["users", "roles", "chen", "--reason", "nothing"], 64, ["--add ROLE"]),
                (["users", "roles", "chen", "--remove", "approver", "--reason", "none left"], 65, ["at least one"]),
                (["users", "disable", "chen"], 64, ["--reason"]),
                (["users", "disable", "chen", "--reason", ""], 65, ["needs --reason"]),
                (["users", "disable", "chen", "--reason", "   "], 65, ["needs --reason"]),
                (["users", "disable", "chen", "--reason", String(repeating: "x", count: 2_001)], 65, ["longer than 2000 characters"]),
                (["users", "disable", "chen", "--reason", "left\u{7}"], 65, ["control character U+0007"]),
                (["users", "enable", "chen", "--reason", "again"], 67, ["already enabled"]),
                (["users", "disable", "root", "--reason", "leaving"], 67, ["root is the last enabled admin", "add or enable another admin"]),
                (["users", "roles", "root", "--remove", "admin", "--add", "manager", "--reason", "stepping down"], 67, ["last enabled admin"]),
            ]
            for (command, code, words) in refusals {
                Self.refused(try await db.rsoctl(command + ["--actor", "root"]), code, words)
            }
            #expect(try await Self.shown(db, "chen") == chen)
            #expect(try await Self.shown(db, "root") == root)
        }
    }
}
