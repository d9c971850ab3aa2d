import Foundation
import Testing

/// The secondment workflow through the binary: its journey, side exits, every guard and the manager's role.
@Suite("rsoctl: secondments")
struct SecondmentTests {
    static let nominee = ["officer_name": "Ana Reyes", "officer_position": "Document examiner"]
    static let plan = ["project": "Checklist for border officials", "planned_start": "2026-03-01", "planned_end": "2026-08-31"]

    static func command(_ reference: String, _ transition: String, _ fields: [String: String] = [:],
                        reason: String? = nil, actor: String = "cora") -> [String] {
        ["case", "advance", reference, transition] + TestDatabase.fieldArguments(fields)
            + (reason.map { ["--reason", $0] } ?? []) + ["--actor", actor, "--format", "json"]
    }

    /// Opens a secondment and advances it through `steps` (transition, fields, actor).
    static func secondment(_ db: TestDatabase, through steps: [(String, [String: String], String)] = [],
                           sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let reference = try await db.openReference("secondment", ["seconding_party": "PHL"], sourceLocation: sourceLocation)
        for (transition, fields, actor) in steps {
            try await db.step(reference, transition, fields, actor: actor, sourceLocation: sourceLocation)
        }
        return reference
    }

    static let toApproved: [(String, [String: String], String)] = [("nominate", nominee, "cora"), ("approve", plan, "maria")]
    static let toActive = toApproved + [("start", ["actual_start": "2026-03-02"], "cora")]

    @Test("proposed → nominate → approve (manager) → start → extend (manager) → conclude → report", arguments: Backend.allCases)
    func happyPath(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let opened = try await db.open("secondment", ["seconding_party": "UNHCR", "funded_by": "AUS"])
            let ref = try #require(opened["reference"] as? String)
            #expect(ref.hasPrefix("SEC-"), "\(ref)")
            #expect(opened["state"] as? String == "proposed")

            let steps: [(String, [String: String], String, String)] = [
                ("nominate", Self.nominee, "cora", "nominated"),
                ("approve", Self.plan, "maria", "approved"),
                ("start", ["actual_start": "2026-03-02"], "cora", "active"),
                ("extend", ["planned_end": "2026-10-31"], "maria", "active"),
                ("conclude", ["actual_end": "2026-10-30"], "cora", "concluded"),
                ("report", ["deliverables": "Checklist v1", "evaluation": "Useful"], "cora", "reported"),
            ]
            for (index, (transition, fields, actor, state)) in steps.enumerated() {
                let after = try await db.step(ref, transition, fields, actor: actor)
                #expect(after["state"] as? String == state, "\(transition)")
                #expect(after["version"] as? Int == index + 2, "\(transition)")
            }
            let fields = try CaseJSON.fields(try await db.show(ref))
            #expect(fields["planned_end"] as? String == "2026-10-31")
            #expect(fields["seconding_party"] as? String == "UNHCR")
            #expect(fields["funded_by"] as? String == "AUS")
            let events = try await db.events(ref)
            #expect(CaseJSON.transitions(events) == [
                "nominate: proposed → nominated", "approve: nominated → approved", "start: approved → active",
                "extend: active → active", "conclude: active → concluded", "report: concluded → reported",
            ])
            #expect(events.filter { $0["kind"] as? String == "transition" }.map { $0["actor"] as? String }
                    == ["cora", "maria", "cora", "maria", "cora", "cora"])
        }
    }

    @Test("decline (manager, from proposed or nominated) and cancel (manager, up to approved) need a reason",
          arguments: Backend.allCases)
    func sideExits(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let proposed = try await Self.secondment(db)
            let nominated = try await Self.secondment(db, through: [("nominate", Self.nominee, "cora")])
            let approved = try await Self.secondment(db, through: Self.toApproved)
            let active = try await Self.secondment(db, through: Self.toActive)

            for ref in [proposed, nominated] {
                try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "decline", actor: "maria"),
                                                     exitCode: 68, mentions: ["reason given"])
            }
            for ref in [proposed, nominated, approved] {
                try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "cancel", actor: "maria"),
                                                     exitCode: 68, mentions: ["reason given"])
            }
            try await RefusalTests.expectRefusal(db, of: approved, Self.command(approved, "decline", reason: "late", actor: "maria"),
                                                 exitCode: 67, mentions: ["decline", "approved"])
            try await RefusalTests.expectRefusal(db, of: active, Self.command(active, "cancel", reason: "late", actor: "maria"),
                                                 exitCode: 67, mentions: ["cancel", "active"])
            try await RefusalTests.expectRefusal(db, of: nominated, Self.command(nominated, "decline", reason: "no budget"),
                                                 exitCode: 69, mentions: ["cora", "manager"])

            #expect(try await db.step(proposed, "decline", reason: "no budget", actor: "maria")["state"] as? String == "declined")
            #expect(try await db.step(nominated, "cancel", reason: "officer unavailable", actor: "maria")["state"] as? String == "cancelled")
            #expect(try await db.step(approved, "cancel", reason: "project dropped", actor: "maria")["state"] as? String == "cancelled")
            #expect(try await db.events(proposed).last?["reason"] as? String == "no budget")
        }
    }

    @Test("nominate, approve, start, conclude and report each refuse with 68 naming their unmet guards", arguments: Backend.allCases)
    func guardsBeforeActive(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let ref = try await Self.secondment(db)
            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "nominate"),
                                                 exitCode: 68, mentions: ["officer_name", "officer_position"])
            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "nominate", ["officer_name": "Ana Reyes"]),
                                                 exitCode: 68, mentions: ["officer_position"])
            try await db.step(ref, "nominate", Self.nominee)

            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "approve", actor: "maria"),
                                                 exitCode: 68, mentions: ["project", "planned_start", "planned_end"])
            for end in ["2026-03-01", "2026-02-01"] {  // equal to, then before, planned_start
                var plan = Self.plan
                plan["planned_end"] = end
                try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "approve", plan, actor: "maria"),
                                                     exitCode: 68, mentions: ["planned_end > planned_start"])
            }
            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "approve", Self.plan, actor: "cora"),
                                                 exitCode: 69, mentions: ["cora", "manager"])
            try await db.step(ref, "approve", Self.plan, actor: "maria")

            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "start"), exitCode: 68, mentions: ["actual_start"])
            try await db.step(ref, "start", ["actual_start": "2026-03-02"])

            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "conclude"), exitCode: 68, mentions: ["actual_end"])
            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "conclude", ["actual_end": "2026-03-01"]),
                                                 exitCode: 68, mentions: ["actual_end ≥ actual_start"])
            // The same day is fine (≥).
            try await db.step(ref, "conclude", ["actual_end": "2026-03-02"])

            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "report"), exitCode: 68, mentions: ["deliverables"])
            #expect(try await db.step(ref, "report", ["deliverables": "Checklist"])["state"] as? String == "reported")
        }
    }

    @Test("extend (manager only) needs a planned_end later than the current one", arguments: Backend.allCases)
    func extendGuard(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let ref = try await Self.secondment(db, through: Self.toActive)  // planned_end 2026-08-31
            for fields in [["planned_end": "2026-07-31"], ["planned_end": "2026-08-31"], [:]] {
                try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "extend", fields, actor: "maria"),
                                                     exitCode: 68, mentions: ["planned_end"])
            }
            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "extend", ["planned_end": "2026-12-31"]),
                                                 exitCode: 69, mentions: ["cora", "manager"])
            let extended = try await db.step(ref, "extend", ["planned_end": "2026-09-30"], actor: "maria")
            #expect(extended["state"] as? String == "active")
            #expect(extended["version"] as? Int == 5)
            #expect(try CaseJSON.fields(extended)["planned_end"] as? String == "2026-09-30")
        }
    }
}
