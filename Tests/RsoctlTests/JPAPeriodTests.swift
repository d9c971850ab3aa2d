import Foundation
import Testing

/// jpa.period through the binary: its journey, its unique name, and opening and launching operations under it.
@Suite("rsoctl: JPA periods and their operations")
struct JPAPeriodTests {
    @Test("a period goes planned → start → extend (self-loop) → conclude → report, one version per step",
          arguments: Backend.allCases)
    func periodHappyPath(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let opened = try await db.open("jpa.period", ["name": "JPA 3"])
            let period = try #require(opened["reference"] as? String)
            #expect(period.hasPrefix("JPA-"), "\(period)")
            #expect(opened["workflow"] as? String == "jpa.period")
            #expect(opened["state"] as? String == "planned")
            #expect(opened["version"] as? Int == 1)

            // start needs its dates and countries.
            try await RefusalTests.expectRefusal(db, of: period, ["case", "advance", period, "start", "--actor", "cora",
                                                                   "--format", "json"],
                                                 exitCode: 68, mentions: ["starts_on", "ends_on", "participating_countries"])
            let started = try await db.step(period, "start", JPA.startFields)
            #expect(started["state"] as? String == "active")
            #expect(started["version"] as? Int == 2)

            // extend: a later ends_on and a reason; an earlier one, or none, is refused.
            try await RefusalTests.expectRefusal(db, of: period, ["case", "advance", period, "extend", "--field", "ends_on=2026-03-01",
                                                                   "--reason", "more time", "--actor", "cora", "--format", "json"],
                                                 exitCode: 68, mentions: ["ends_on"])
            try await RefusalTests.expectRefusal(db, of: period, ["case", "advance", period, "extend", "--field", "ends_on=2026-04-30",
                                                                   "--actor", "cora", "--format", "json"],
                                                 exitCode: 68, mentions: ["reason given"])
            let extended = try await db.step(period, "extend", ["ends_on": "2026-04-30"], reason: "networks still active")
            #expect(extended["state"] as? String == "active")
            #expect(extended["version"] as? Int == 3)
            #expect(try CaseJSON.fields(extended)["ends_on"] as? String == "2026-04-30")
            let again = try await db.step(period, "extend", ["ends_on": "2026-05-31"], reason: "one more month")
            #expect(again["state"] as? String == "active")
            #expect(again["version"] as? Int == 4)

            let concluded = try await db.step(period, "conclude")
            #expect(concluded["state"] as? String == "concluded")
            try await RefusalTests.expectRefusal(db, of: period, ["case", "advance", period, "report", "--actor", "cora",
                                                                   "--format", "json"],
                                                 exitCode: 68, mentions: ["report_summary"])
            let reported = try await db.step(period, "report", ["report_summary": "Three networks disrupted."])
            #expect(reported["state"] as? String == "reported")
            #expect(reported["version"] as? Int == 6)

            let events = try await db.events(period)
            #expect(CaseJSON.transitions(events) == [
                "start: planned → active", "extend: active → active", "extend: active → active",
                "conclude: active → concluded", "report: concluded → reported",
            ])
            #expect(events.filter { $0["transition"] as? String == "extend" }.map { $0["reason"] as? String }
                    == ["networks still active", "one more month"])
            // Terminal: nothing more.
            try await RefusalTests.expectRefusal(db, of: period, ["case", "advance", period, "extend", "--field", "ends_on=2026-12-31",
                                                                   "--reason", "late", "--actor", "cora", "--format", "json"],
                                                 exitCode: 67, mentions: ["extend"])
        }
    }

    @Test("a planned period is cancelled with a reason (68 without one), and then cannot start", arguments: Backend.allCases)
    func periodCancel(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let period = try await db.openReference("jpa.period", ["name": "JPA 4"])
            try await RefusalTests.expectRefusal(db, of: period, ["case", "advance", period, "cancel", "--actor", "cora",
                                                                   "--format", "json"],
                                                 exitCode: 68, mentions: ["reason given"])
            let cancelled = try await db.step(period, "cancel", reason: "funding withdrawn")
            #expect(cancelled["state"] as? String == "cancelled")
            #expect(cancelled["version"] as? Int == 2)
            try await RefusalTests.expectRefusal(db, of: period, ["case", "advance", period, "start", "--actor", "cora",
                                                                   "--format", "json"] + TestDatabase.fieldArguments(JPA.startFields),
                                                 exitCode: 67, mentions: ["start", "cancelled"])
        }
    }

    @Test("a period name is unique, ignoring case and surrounding spaces (65 naming the holder)", arguments: Backend.allCases)
    func duplicateName(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let first = try await db.openReference("jpa.period", ["name": "JPA 3"])
            for name in ["JPA 3", "jpa 3", "Jpa 3", " JPA 3", "JPA 3  ", "  jpa 3 ", "JPA  3"] {
                try await RefusalTests.expectRefusal(db, of: first, ["case", "open", "jpa.period", "--field", "name=\(name)",
                                                                      "--actor", "cora", "--format", "json"],
                                                     exitCode: 65, mentions: ["name", first])
            }
            // Another name is fine, and a cancelled period still holds its name.
            let other = try await db.openReference("jpa.period", ["name": "JPA 4"])
            try await db.step(first, "cancel", reason: "merged into JPA 4")
            try await RefusalTests.expectRefusal(db, of: other, ["case", "open", "jpa.period", "--field", "name=jpa 3",
                                                                  "--actor", "cora", "--format", "json"],
                                                 exitCode: 65, mentions: ["name"])
        }
    }

    @Test("a caseworker may not start a period (69 naming the role), a coordinator may", arguments: Backend.allCases)
    func caseworkerMayNotStart(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let period = try await db.openReference("jpa.period", ["name": "JPA 5"])
            try await RefusalTests.expectRefusal(db, of: period, ["case", "advance", period, "start", "--actor", "amina",
                                                                   "--format", "json"] + TestDatabase.fieldArguments(JPA.startFields),
                                                 exitCode: 69, mentions: ["amina", "coordinator"])
            #expect(try await db.step(period, "start", JPA.startFields)["state"] as? String == "active")
        }
    }

    @Test("an operation needs a jpa.period parent: none or another workflow's case is 65; an unknown one is refused",
          arguments: Backend.allCases)
    func operationParent(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let period = try await db.openReference("jpa.period", ["name": "JPA 6"])
            let operation = try await db.operation(in: period, named: "Op Reef", launch: false)
            let opened = try await db.show(operation)
            #expect(opened["workflow"] as? String == "jpa.operation")
            #expect(operation.hasPrefix("JPAOP-"), "\(operation)")
            let periodID = try #require(try await db.show(period)["id"] as? String)
            #expect(opened["parentId"] as? String == periodID)

            let open = ["case", "open", "jpa.operation", "--field", "name=Op Tide", "--field", "lead_country=IDN"]
            let asCora = ["--actor", "cora", "--format", "json"]
            try await RefusalTests.expectRefusal(db, of: period, open + asCora, exitCode: 65, mentions: ["--parent", "jpa.period"])
            // An operation, a secondment and an AVRR case are not periods.
            let secondment = try await db.openReference("secondment", ["seconding_party": "UNODC"])
            let avrr = try await db.openCase()
            for parent in [operation, secondment, avrr] {
                try await RefusalTests.expectRefusal(db, of: period, open + ["--parent", parent] + asCora,
                                                     exitCode: 65, mentions: [parent, "jpa.period"])
            }
            // A parent that does not exist is a missing parent (65, per ARCHITECTURE.md), and nothing is written.
            let before = try await db.childReferences(of: period)
            let unknown = try await db.rsoctl(open + ["--parent", "JPA-2026-999999"] + asCora)
            #expect(unknown.exitCode == 65, "a parent that does not exist is refused like a wrong one: \(unknown)")
            #expect(unknown.stdout.isEmpty && unknown.stderr.contains("JPA-2026-999999"), "\(unknown)")
            #expect(try await db.childReferences(of: period) == before)
        }
    }

    @Test("launch is refused (68, parent active) while the period is planned or concluded, allowed while it is active",
          arguments: Backend.allCases)
    func launchNeedsActiveParent(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let period = try await db.openReference("jpa.period", ["name": "JPA 7"])
            let early = try await db.operation(in: period, named: "Op Early", launch: false)
            let late = try await db.operation(in: period, named: "Op Late", launch: false)
            let launch = { (op: String) in ["case", "advance", op, "launch", "--actor", "cora", "--format", "json"] }
            try await RefusalTests.expectRefusal(db, of: early, launch(early), exitCode: 68, mentions: ["parent active"])

            try await db.step(period, "start", JPA.startFields)
            let launched = try await db.step(early, "launch")
            #expect(launched["state"] as? String == "active")
            #expect(launched["version"] as? Int == 2)

            try await db.step(period, "conclude")
            try await RefusalTests.expectRefusal(db, of: late, launch(late), exitCode: 68, mentions: ["parent active"])
            // A planned operation can still be cancelled, with a reason.
            #expect(try await db.step(late, "cancel", reason: "period over")["state"] as? String == "cancelled")
        }
    }
}
