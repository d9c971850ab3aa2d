import Foundation
import Testing

/// Each refused `case advance` exits with its documented code, says what was wrong on stderr,
/// prints nothing on stdout, and writes nothing (the history is unchanged).
@Suite("rsoctl: refusals")
struct RefusalTests {
    /// Runs `arguments`, expects `code`, a `rsoctl: ` message on stderr containing every one of
    /// `mentions`, empty stdout, and `reference`'s history (and the number of cases) unchanged.
    static func expectRefusal(_ db: TestDatabase, of reference: String, _ arguments: [String], exitCode code: Int32,
                              mentions: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let before = try await db.events(reference, sourceLocation: sourceLocation)
        let rawBefore = try await db.rawHistory(reference, sourceLocation: sourceLocation)
        let casesBefore = try await caseCount(db, sourceLocation: sourceLocation)

        let result = try await db.rsoctl(arguments)
        #expect(result.exitCode == code, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "stdout should be empty: \(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("rsoctl: "), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        for mention in mentions {
            #expect(result.stderr.contains(mention), "stderr should name \(mention): \(result.stderr)", sourceLocation: sourceLocation)
        }

        let after = try await db.events(reference, sourceLocation: sourceLocation)
        #expect(after.count == before.count, "event count changed", sourceLocation: sourceLocation)
        #expect(try await db.rawHistory(reference, sourceLocation: sourceLocation) == rawBefore,
                "history changed", sourceLocation: sourceLocation)
        #expect(try await caseCount(db, sourceLocation: sourceLocation) == casesBefore, sourceLocation: sourceLocation)
    }

    static func caseCount(_ db: TestDatabase, sourceLocation: SourceLocation) async throws -> Int {
        let list = try await db.json(["case", "list", "--actor", "maria", "--format", "json"], sourceLocation: sourceLocation)
        return try #require(list["cases"] as? [[String: Any]], sourceLocation: sourceLocation).count
    }

    /// A fresh database with the standard users and one case in counselling.
    static func withCaseInCounselling(_ backend: Backend, category: String = "irregular_migrant",
                                      _ body: (TestDatabase, String) async throws -> Void) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let ref = try await db.openCase(category: category)
            try await db.advance(ref, "start_counselling")
            try await body(db, ref)
        }
    }

    @Test("an unknown field is refused with 65 naming the field", arguments: Backend.allCases)
    func unknownField(backend: Backend) async throws {
        try await Self.withCaseInCounselling(backend) { db, ref in
            try await Self.expectRefusal(db, of: ref, ["case", "advance", ref, "submit", "--field", "shoe_size=42",
                                                       "--actor", "amina", "--format", "json"],
                                         exitCode: 65, mentions: ["shoe_size"])
        }
    }

    @Test("a country that is not an ISO 3166-1 alpha-3 code is refused with 65", arguments: Backend.allCases)
    func badCountryCode(backend: Backend) async throws {
        try await Self.withCaseInCounselling(backend) { db, ref in
            try await Self.expectRefusal(db, of: ref, ["case", "advance", ref, "submit", "--field", "nationality=Thailand",
                                                       "--actor", "amina", "--format", "json"],
                                         exitCode: 65, mentions: ["nationality", "Thailand"])
        }
    }

    @Test("an unknown case is refused with 66 naming the reference", arguments: Backend.allCases)
    func unknownCase(backend: Backend) async throws {
        try await Self.withCaseInCounselling(backend) { db, ref in
            try await Self.expectRefusal(db, of: ref, ["case", "advance", "AVRR-2026-999999", "submit",
                                                       "--actor", "amina", "--format", "json"],
                                         exitCode: 66, mentions: ["AVRR-2026-999999"])
        }
    }

    @Test("a transition that does not leave the current state is refused with 67 listing the allowed ones",
          arguments: Backend.allCases)
    func transitionNotAllowedNow(backend: Backend) async throws {
        try await Self.withCaseInCounselling(backend) { db, ref in
            try await Self.expectRefusal(db, of: ref, ["case", "advance", ref, "approve", "--actor", "chen", "--format", "json"],
                                         exitCode: 67,
                                         mentions: ["approve", "counselling", "submit", "withdraw", "refer", "mark_lost_contact", "hold"])
        }
    }

    @Test("a user without the transition's role is refused with 69 (an approver doing submit)", arguments: Backend.allCases)
    func wrongRole(backend: Backend) async throws {
        try await Self.withCaseInCounselling(backend) { db, ref in
            try await Self.expectRefusal(db, of: ref, ["case", "advance", ref, "submit", "--actor", "chen", "--format", "json"]
                                         + TestDatabase.submitFields,
                                         exitCode: 69, mentions: ["chen", "caseworker"])
        }
    }

    @Test("submit with nothing set on a refugee is refused with 68 listing every unmet guard together",
          arguments: Backend.allCases)
    func unmetGuardsListedTogether(backend: Backend) async throws {
        try await Self.withCaseInCounselling(backend, category: "refugee") { db, ref in
            try await Self.expectRefusal(db, of: ref, ["case", "advance", ref, "submit", "--actor", "amina", "--format", "json"],
                                         exitCode: 68,
                                         mentions: ["consent_signed_on", "destination_country", "travel_document", "unhcr_clearance"])
        }
    }

    @Test("a stale --expect-version is refused with 70", arguments: Backend.allCases)
    func staleExpectedVersion(backend: Backend) async throws {
        try await Self.withCaseInCounselling(backend) { db, ref in
            // The case is at version 2; everything else about this submit would pass.
            try await Self.expectRefusal(db, of: ref, ["case", "advance", ref, "submit", "--expect-version", "1",
                                                       "--actor", "amina", "--format", "json"] + TestDatabase.submitFields,
                                         exitCode: 70, mentions: [ref, "version"])
            // The current version is accepted.
            let after = try await db.advance(ref, "submit", ["--expect-version", "2"] + TestDatabase.submitFields)
            #expect(after["version"] as? Int == 3)
        }
    }

    @Test("no --actor (and no RSO_ACTOR) is a usage error, 64", arguments: Backend.allCases)
    func missingActor(backend: Backend) async throws {
        try await Self.withCaseInCounselling(backend) { db, ref in
            try await Self.expectRefusal(db, of: ref, ["case", "advance", ref, "submit", "--format", "json"] + TestDatabase.submitFields,
                                         exitCode: 64, mentions: ["--actor"])
        }
    }

    @Test("an actor who is not a registered user is refused with 66 naming them", arguments: Backend.allCases)
    func unknownActor(backend: Backend) async throws {
        try await Self.withCaseInCounselling(backend) { db, ref in
            try await Self.expectRefusal(db, of: ref, ["case", "advance", ref, "submit", "--actor", "nobody_here",
                                                       "--format", "json"] + TestDatabase.submitFields,
                                         exitCode: 66, mentions: ["nobody_here"])
        }
    }

    @Test("four eyes: the user who submitted may not approve, even holding the approver role (68)", arguments: Backend.allCases)
    func submitterMayNotApprove(backend: Backend) async throws {
        try await Self.withCaseInCounselling(backend) { db, ref in
            try await db.advance(ref, "submit", TestDatabase.submitFields, actor: "dual")
            try await Self.expectRefusal(db, of: ref, ["case", "advance", ref, "approve", "--actor", "dual", "--format", "json"],
                                         exitCode: 68, mentions: ["approve", "submit"])
            // Another approver may.
            let approved = try await db.advance(ref, "approve", actor: "chen")
            #expect(approved["state"] as? String == "approved")
        }
    }
}
