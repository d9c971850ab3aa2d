import Foundation
import Testing

/// An AVRR case driven end to end through the `rsoctl` binary, on each backend.
@Suite("rsoctl: an AVRR case from registration to closed")
struct AVRRJourneyTests {
    /// The seven steps of a straightforward return: (transition or nil for open, from, to, actor).
    static let steps: [(transition: String?, from: String?, to: String, actor: String)] = [
        (nil, nil, "registered", "amina"),
        ("start_counselling", "registered", "counselling", "amina"),
        ("submit", "counselling", "awaiting_approval", "amina"),
        ("approve", "awaiting_approval", "approved", "chen"),
        ("arrange_travel", "approved", "travel_arranged", "amina"),
        ("confirm_return", "travel_arranged", "returned", "amina"),
        ("close", "returned", "closed", "amina"),
    ]

    /// Opens a case and takes it through every step to closed, checking each printed case.
    static func takeToClosed(_ db: TestDatabase) async throws -> String {
        let ref = try await db.openCase()
        let stepArguments: [String: [String]] = [
            "submit": TestDatabase.submitFields,
            "arrange_travel": ["--field", "departure_date=2026-02-01", "--field", "exit_clearance=granted"],
            "confirm_return": ["--field", "arrival_date=2026-02-02"],
        ]
        for (index, step) in steps.enumerated() {
            guard let transition = step.transition else { continue }
            let after = try await db.advance(ref, transition, stepArguments[transition] ?? [], actor: step.actor)
            #expect(after["state"] as? String == step.to, "after \(transition)")
            #expect(after["version"] as? Int == index + 1, "after \(transition)")
            #expect(after["reference"] as? String == ref)
        }
        return ref
    }

    @Test("open → counselling → submit → approve (another user) → travel → return → close ends closed at version 7",
          arguments: Backend.allCases)
    func caseReachesClosed(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let ref = try await Self.takeToClosed(db)

            let shown = try await db.show(ref)
            #expect(shown["state"] as? String == "closed")
            #expect(shown["version"] as? Int == 7)
            #expect(shown["workflow"] as? String == "avrr")
            let fields = try #require(shown["fields"] as? [String: Any])
            #expect(fields["destination_country"] as? String == "IDN")
            #expect(fields["travel_document"] as? String == "valid")
            #expect(fields["exit_clearance"] as? String == "granted")
            #expect(fields["arrival_date"] as? String == "2026-02-02")
            #expect(fields["full_name"] as? String == "Test Person")
        }
    }

    @Test("case history lists the seven events oldest first with their kinds, transitions, states and actors",
          arguments: Backend.allCases)
    func historyRecordsEveryStep(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let ref = try await Self.takeToClosed(db)

            let history = try await db.history(ref)
            #expect(history["reference"] as? String == ref)
            let events = try #require(history["events"] as? [[String: Any]])
            try #require(events.count == 7, "events: \(events)")

            #expect(events.map { $0["kind"] as? String } == ["opened"] + Array(repeating: "transition", count: 6))
            #expect(events.map { $0["transition"] as? String } == Self.steps.map(\.transition))
            #expect(events.map { $0["from"] as? String } == Self.steps.map(\.from))
            #expect(events.map { $0["to"] as? String } == Self.steps.map(\.to))
            #expect(events.map { $0["actor"] as? String } == Self.steps.map(\.actor))

            // Oldest first: seq strictly increasing, timestamps never going back.
            let seqs = events.compactMap { $0["seq"] as? Int }
            #expect(seqs.count == 7)
            #expect(zip(seqs, seqs.dropFirst()).allSatisfy { $0 < $1 }, "seq: \(seqs)")
            let times = events.compactMap { ($0["at"] as? String).flatMap(Self.parseTimestamp) }
            #expect(times.count == 7, "every event has an ISO 8601 `at`: \(events.map { $0["at"] ?? "nil" })")
            #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 }, "at: \(times)")

            // The submit event carries the fields it set.
            let submitFields = try #require(events[2]["fields"] as? [String: Any])
            #expect(submitFields["consent_signed_on"] as? String == "2026-01-05")
            #expect(submitFields["destination_country"] as? String == "IDN")
            #expect(submitFields["travel_document"] as? String == "valid")
        }
    }

    @Test("case show and case open print the documented keys: id, reference, workflow, state, version, fields",
          arguments: Backend.allCases)
    func caseJSONHasDocumentedKeys(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let opened = try await db.json(["case", "open", "avrr", "--field", "full_name=K L", "--field", "host_country=MYS",
                                            "--field", "category=stranded_migrant", "--actor", "amina", "--format", "json"])
            let ref = try #require(opened["reference"] as? String)
            let advanced = try await db.advance(ref, "start_counselling")
            let shown = try await db.show(ref)
            for (name, object) in [("open", opened), ("advance", advanced), ("show", shown)] {
                for key in ["id", "reference", "workflow", "state", "version", "fields"] {
                    #expect(JSON.has(object, key), "case \(name) JSON lacks \"\(key)\": \(object.keys.sorted())")
                }
                #expect(object["fields"] is [String: Any], "case \(name): fields is an object")
                #expect((object["id"] as? String).flatMap(UUID.init(uuidString:)) != nil, "case \(name): id is a UUID")
            }
            #expect(opened["id"] as? String == shown["id"] as? String)
            // The UUID works as REF too.
            let byID = try await db.show(try #require(shown["id"] as? String))
            #expect(byID["reference"] as? String == ref)
        }
    }

    @Test("every case history event has the documented keys (seq, kind, transition, from, to, actor, at, reason, fields), null when empty",
          arguments: Backend.allCases)
    func historyEventsHaveDocumentedKeys(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let ref = try await db.openCase()
            try await db.advance(ref, "start_counselling")
            try await db.advance(ref, "hold", ["--reason", "travel document delayed"])
            let history = try await db.history(ref)
            #expect(JSON.has(history, "reference"))
            let events = try #require(history["events"] as? [[String: Any]])
            #expect(events.count == 3)
            for event in events {
                for key in ["seq", "kind", "transition", "from", "to", "actor", "at", "reason", "fields"] {
                    #expect(JSON.has(event, key), "event \(event["seq"] ?? "?") (\(event["kind"] ?? "?")) lacks \"\(key)\": has \(event.keys.sorted())")
                }
            }
            #expect(events.last?["reason"] as? String == "travel document delayed")
        }
    }

    static func parseTimestamp(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return withFraction.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}
