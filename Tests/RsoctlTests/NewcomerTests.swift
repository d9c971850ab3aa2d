import Foundation
import Testing

/// What a new user meets in the first hour: cases shown by what people call them, and messages that help.
@Suite("rsoctl: a newcomer's first hour")
struct NewcomerTests {
    @Test("case show, open and list name the parent case by its reference (JSON parentReference, table parent row)",
          arguments: Backend.allCases)
    func parentShownByReference(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let period = try await db.openReference("jpa.period", ["name": "JPA 7"])
            let periodID = try #require(try await db.show(period)["id"] as? String)
            let opened = try await db.open("jpa.operation", ["name": "Op Reef", "lead_country": "THA"], parent: period)
            #expect(opened["parentReference"] as? String == period, "\(opened)")
            #expect(opened["parentId"] as? String == periodID, "parentId stays for scripts")
            let operation = try #require(opened["reference"] as? String)
            #expect(try await db.show(operation)["parentReference"] as? String == period)
            #expect(try await db.show(period)["parentReference"] is NSNull, "a case without a parent has null")

            let table = try await db.succeed(["case", "show", operation, "--actor", "maria"]).stdout
            let parentRow = table.split(separator: "\n").first { $0.hasPrefix("parent ") }
            #expect(parentRow?.hasSuffix(period) == true, "\(table)")
            #expect(!table.contains(periodID), "the table shows the reference, not the UUID: \(table)")

            let listed = try await db.json(["case", "list", "--workflow", "jpa.operation", "--actor", "maria", "--format", "json"])
            let cases = try #require(listed["cases"] as? [[String: Any]])
            #expect(cases.map { $0["parentReference"] as? String } == [period])
        }
    }

    @Test("a misspelt transition gets 'did you mean', allowed transitions listed once; a missing reason says --reason TEXT",
          arguments: Backend.allCases)
    func transitionMessagesHelp(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let reference = try await db.openCase()
            let misspelt = try await db.rsoctl(["case", "advance", reference, "start_counseling", "--actor", "amina"])
            #expect(misspelt.exitCode == 67, "\(misspelt)")
            #expect(misspelt.stderr.contains("start_counseling is not a transition of avrr (did you mean start_counselling?)"), "\(misspelt)")
            #expect(misspelt.stderr.components(separatedBy: "allowed").count == 2, "the allowed transitions once: \(misspelt)")
            #expect(misspelt.stderr.contains("allowed now: start_counselling, withdraw"), "\(misspelt)")
            let prefix = try await db.rsoctl(["case", "advance", reference, "arrange", "--actor", "amina"])
            #expect(prefix.exitCode == 67 && prefix.stderr.contains("(did you mean arrange_travel?)"), "\(prefix)")
            // start_counselling, start_reintegration, start_monitoring: no one guess.
            let ambiguous = try await db.rsoctl(["case", "advance", reference, "start", "--actor", "amina"])
            #expect(ambiguous.exitCode == 67 && !ambiguous.stderr.contains("did you mean"), "\(ambiguous)")
            let unknown = try await db.rsoctl(["case", "advance", reference, "teleport", "--actor", "amina"])
            #expect(unknown.exitCode == 67 && !unknown.stderr.contains("did you mean"), "\(unknown)")

            try await db.advance(reference, "start_counselling")
            let noReason = try await db.rsoctl(["case", "advance", reference, "refer", "--actor", "amina"])
            #expect(noReason.exitCode == 68, "\(noReason)")
            #expect(noReason.stderr.contains("reason given: pass --reason TEXT"), "\(noReason)")
        }
    }

    @Test("messages use 'an' before a vowel: maria may not open an avrr case")
    func articles() async throws {
        try await TestDatabase.with(.sqlite) { db in
            try await db.addStandardUsers()
            let refused = try await db.rsoctl(["case", "open", "avrr", "--field", "full_name=Test Person", "--field", "host_country=THA",
                                               "--field", "category=other", "--actor", "maria"])
            #expect(refused.exitCode == 69, "\(refused)")
            #expect(refused.stderr.contains("may not open an avrr case"), "\(refused)")
            #expect(!refused.stderr.contains(" a avrr"), "\(refused)")
        }
    }

    @Test("references and workflow ids are accepted in any letter case", arguments: Backend.allCases)
    func anyLetterCase(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let opened = try await db.json(["case", "open", "AVRR", "--field", "full_name=Test Person", "--field", "host_country=THA",
                                            "--field", "category=other", "--actor", "amina", "--format", "json"])
            #expect(opened["workflow"] as? String == "avrr")
            let reference = try #require(opened["reference"] as? String)
            #expect(reference.hasPrefix("AVRR-"))
            let shown = try await db.json(["case", "show", reference.lowercased(), "--actor", "maria", "--format", "json"])
            #expect(shown["reference"] as? String == reference)
            let advanced = try await db.advance(reference.lowercased(), "start_counselling")
            #expect(advanced["state"] as? String == "counselling")
            let listed = try await db.json(["case", "list", "--workflow", "Avrr", "--actor", "maria", "--format", "json"])
            #expect((listed["cases"] as? [[String: Any]])?.map { $0["reference"] as? String } == [reference])
            try await db.succeed(["workflow", "show", "AVRR"])
            let stages = try await db.json(["metrics", "stages", "AVRR", "--actor", "maria", "--format", "json"])
            #expect(stages["workflow"] as? String == "avrr")
        }
    }

    @Test("a misspelt subcommand exits 64 and says which was meant")
    func misspeltSubcommand() async throws {
        let result = try await RsoctlProcess.run(["cas", "list"], databaseURL: nil)
        #expect(result.exitCode == 64, "\(result)")
        #expect(result.stderr.contains("did you mean 'rsoctl case'?"), "\(result)")
        let nested = try await RsoctlProcess.run(["case", "lst"], databaseURL: nil)
        #expect(nested.exitCode == 64 && nested.stderr.contains("did you mean 'rsoctl case list'?"), "\(nested)")
    }
}
