import Foundation
import Testing

/// The crvs assessment workflow through the binary: its journey, revision loop, suspend/resume,
/// withdrawal, guards, the access matrix's checks and one open assessment per country.
@Suite("rsoctl: CRVS assessments")
struct CRVSTests {
    static let scope = ["population_groups": "refugees,stateless_persons", "vital_events": "birth,death",
                        "government_focal_point": "Registrar General"]
    static let fullAccess = #"{"refugees": {"birth": "partial", "death": "none"}, "stateless_persons": {"birth": "none", "death": "unknown"}}"#

    static func command(_ reference: String, _ transition: String, _ fields: [String: String] = [:],
                        reason: String? = nil, actor: String = "cora") -> [String] {
        ["case", "advance", reference, transition] + TestDatabase.fieldArguments(fields)
            + (reason.map { ["--reason", $0] } ?? []) + ["--actor", actor, "--format", "json"]
    }

    /// Opens an assessment for `country` and takes it as far as `state` (requested, inception, data_collection,
    /// analysis or validation) with `access` as its matrix.
    static func assessment(_ db: TestDatabase, country: String, upTo state: String, scope: [String: String] = scope,
                           access: String = fullAccess, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let ref = try await db.openReference("crvs", ["country": country], sourceLocation: sourceLocation)
        if state == "requested" { return ref }
        let steps: [(String, String, [String: String])] = [
            ("inception", "start_inception", ["lead_agency": "Ministry of Interior"]),
            ("data_collection", "start_data_collection", scope),
            ("analysis", "start_analysis", ["access": access]),
            ("validation", "submit_findings", ["key_findings": "Late birth registration", "recommendations": "Mobile registration"]),
        ]
        for (reached, transition, fields) in steps {
            let after = try await db.step(ref, transition, fields, sourceLocation: sourceLocation)
            #expect(after["state"] as? String == reached, sourceLocation: sourceLocation)
            if reached == state { return ref }
        }
        throw RsoctlTestError("assessment(upTo:) cannot stop at \(state)")
    }

    @Test("requested → … → validation → request_revision → analysis → validation → endorsed → published → follow_up → completed",
          arguments: Backend.allCases)
    func journeyWithRevision(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let ref = try await Self.assessment(db, country: "THA", upTo: "validation")
            #expect(ref.hasPrefix("CRVS-"), "\(ref)")
            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "request_revision"),
                                                 exitCode: 68, mentions: ["reason given"])
            #expect(try await db.step(ref, "request_revision", reason: "findings need data")["state"] as? String == "analysis")
            #expect(try await db.step(ref, "submit_findings")["state"] as? String == "validation")
            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "endorse"),
                                                 exitCode: 68, mentions: ["endorsed_on", "endorsed_by"])
            let later: [(String, [String: String], String)] = [
                ("endorse", ["endorsed_on": "2026-06-01", "endorsed_by": "National CRVS committee"], "endorsed"),
                ("publish", ["report_reference": "RSO/CRVS/THA/2026"], "published"),
                ("start_follow_up", ["action_plan": "Quarterly review"], "follow_up"),
                ("complete", [:], "completed"),
            ]
            for (transition, fields, state) in later {
                #expect(try await db.step(ref, transition, fields)["state"] as? String == state, "\(transition)")
            }
            let shown = try await db.show(ref)
            #expect(shown["version"] as? Int == 11)
            #expect(CaseJSON.transitions(try await db.events(ref)) == [
                "start_inception: requested → inception", "start_data_collection: inception → data_collection",
                "start_analysis: data_collection → analysis", "submit_findings: analysis → validation",
                "request_revision: validation → analysis", "submit_findings: analysis → validation",
                "endorse: validation → endorsed", "publish: endorsed → published",
                "start_follow_up: published → follow_up", "complete: follow_up → completed",
            ])
            // Completed: no withdrawal, and the country may be assessed again.
            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "withdraw", reason: "late", actor: "maria"),
                                                 exitCode: 67, mentions: ["withdraw", "completed"])
            #expect(try await db.open("crvs", ["country": "THA"])["state"] as? String == "requested")
        }
    }

    @Test("suspend (with a reason) and resume return to the state the case was in", arguments: Backend.allCases)
    func suspendAndResume(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let requested = try await Self.assessment(db, country: "IDN", upTo: "requested")
            try await RefusalTests.expectRefusal(db, of: requested, Self.command(requested, "suspend", reason: "elections"),
                                                 exitCode: 67, mentions: ["suspend", "requested"])
            for (country, state) in [("THA", "inception"), ("MYS", "data_collection"), ("PHL", "analysis"), ("VNM", "validation")] {
                let ref = try await Self.assessment(db, country: country, upTo: state)
                try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "suspend"), exitCode: 68, mentions: ["reason given"])
                let suspended = try await db.step(ref, "suspend", reason: "elections")
                #expect(suspended["state"] as? String == "suspended")
                try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "suspend", reason: "again"),
                                                     exitCode: 67, mentions: ["suspend", "suspended"])
                let resumed = try await db.step(ref, "resume")
                #expect(resumed["state"] as? String == state, "resume from \(state)")
                let events = try await db.events(ref)
                #expect(Array(CaseJSON.transitions(events).suffix(2)) == ["suspend: \(state) → suspended", "resume: suspended → \(state)"])
            }
        }
    }

    @Test("withdraw: a manager with a reason from any non-terminal state; a coordinator gets 69", arguments: Backend.allCases)
    func withdraw(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let analysis = try await Self.assessment(db, country: "THA", upTo: "analysis")
            try await RefusalTests.expectRefusal(db, of: analysis, Self.command(analysis, "withdraw", reason: "no funds"),
                                                 exitCode: 69, mentions: ["cora", "manager"])
            try await RefusalTests.expectRefusal(db, of: analysis, Self.command(analysis, "withdraw", actor: "maria"),
                                                 exitCode: 68, mentions: ["reason given"])
            #expect(try await db.step(analysis, "withdraw", reason: "no funds", actor: "maria")["state"] as? String == "withdrawn")
            try await RefusalTests.expectRefusal(db, of: analysis, Self.command(analysis, "resume"),
                                                 exitCode: 67, mentions: ["resume", "withdrawn"])

            let requested = try await Self.assessment(db, country: "IDN", upTo: "requested")
            #expect(try await db.step(requested, "withdraw", reason: "request lapsed", actor: "maria")["state"] as? String == "withdrawn")
            let suspended = try await Self.assessment(db, country: "MYS", upTo: "inception")
            try await db.step(suspended, "suspend", reason: "elections")
            #expect(try await db.step(suspended, "withdraw", reason: "government changed", actor: "maria")["state"] as? String == "withdrawn")
        }
    }

    @Test("start_data_collection lists its unmet guards; start_analysis needs every group × event in access (68)",
          arguments: Backend.allCases)
    func guards(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let ref = try await Self.assessment(db, country: "THA", upTo: "requested")
            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "start_inception"), exitCode: 68, mentions: ["lead_agency"])
            try await db.step(ref, "start_inception", ["lead_agency": "Ministry of Interior"])
            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "start_data_collection"), exitCode: 68,
                                                 mentions: ["population_groups", "vital_events", "government_focal_point"])
            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "start_data_collection", ["population_groups": "refugees"]),
                                                 exitCode: 68, mentions: ["vital_events", "government_focal_point"])
            try await db.step(ref, "start_data_collection", Self.scope)

            let covers = "access covers every chosen group × event"
            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "start_analysis"), exitCode: 68, mentions: [covers])
            // Three of the four cells.
            let partial = #"{"refugees": {"birth": "full", "death": "full"}, "stateless_persons": {"birth": "none"}}"#
            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "start_analysis", ["access": partial]),
                                                 exitCode: 68, mentions: [covers])
            // Filled in during data collection, then complete.
            try await db.succeed(["case", "update", ref, "--field", "access=\(partial)", "--actor", "cora"])
            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "start_analysis"), exitCode: 68, mentions: [covers])
            #expect(try await db.step(ref, "start_analysis", ["access": Self.fullAccess])["state"] as? String == "analysis")
            try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "submit_findings"), exitCode: 68,
                                                 mentions: ["key_findings", "recommendations"])
        }
    }

    @Test("an access matrix naming an unchosen group or event, a bad level or not an object is refused with 65",
          arguments: Backend.allCases)
    func accessMatrixChecked(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let ref = try await Self.assessment(db, country: "THA", upTo: "data_collection")
            let bad: [(String, [String])] = [
                (#"{"asylum_seekers": {"birth": "none"}}"#, ["asylum_seekers", "population_groups"]),
                (#"{"refugees": {"marriage": "full"}}"#, ["marriage", "vital_events"]),
                (#"{"refugees": {"birth": "great"}}"#, ["great", "full", "partial", "none", "unknown"]),
                (#"["refugees"]"#, ["access"]),
                (#"{"refugees": "#, ["access"]),
            ]
            for (matrix, mentions) in bad {
                try await RefusalTests.expectRefusal(db, of: ref, ["case", "update", ref, "--field", "access=\(matrix)",
                                                                    "--actor", "cora", "--format", "json"],
                                                     exitCode: 65, mentions: mentions)
                try await RefusalTests.expectRefusal(db, of: ref, Self.command(ref, "start_analysis", ["access": matrix]),
                                                     exitCode: 65, mentions: mentions)
            }
            // Dropping a group the matrix still uses would leave it naming an unchosen group.
            try await db.succeed(["case", "update", ref, "--field", "access=\(Self.fullAccess)", "--actor", "cora"])
            try await RefusalTests.expectRefusal(db, of: ref, ["case", "update", ref, "--field", "population_groups=refugees",
                                                                "--actor", "cora", "--format", "json"],
                                                 exitCode: 65, mentions: ["stateless_persons"])
        }
    }

    @Test("one open assessment per country: a second is 65 naming the first, allowed once the first is withdrawn",
          arguments: Backend.allCases)
    func oneOpenPerCountry(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let first = try await Self.assessment(db, country: "THA", upTo: "inception")
            let open = ["case", "open", "crvs", "--field", "country=THA", "--actor", "cora", "--format", "json"]
            try await RefusalTests.expectRefusal(db, of: first, open, exitCode: 65, mentions: ["country", first])
            try await db.step(first, "suspend", reason: "elections")
            try await RefusalTests.expectRefusal(db, of: first, open, exitCode: 65, mentions: ["country", first])
            // Another country is fine.
            _ = try await db.openReference("crvs", ["country": "IDN"])

            try await db.step(first, "withdraw", reason: "government changed", actor: "maria")
            let second = try await db.open("crvs", ["country": "THA"])
            #expect(second["state"] as? String == "requested")
            let secondRef = try #require(second["reference"] as? String)
            #expect(secondRef != first)
            try await RefusalTests.expectRefusal(db, of: secondRef, open, exitCode: 65, mentions: ["country", secondRef])
        }
    }
}
