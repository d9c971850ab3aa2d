import Foundation
import Testing

/// `rsoctl report crvs.access`: countries per access level for each population group × vital event.
@Suite("rsoctl: the crvs.access report")
struct CRVSAccessReportTests {
    static let groups = ["asylum_seekers", "refugees", "stateless_persons", "undetermined_nationality", "undocumented_persons"]
    static let events = ["birth", "death", "marriage", "divorce"]
    static let levels = ["full", "partial", "none", "unknown"]

    /// `report crvs.access --format json`, checked for shape: "<group>/<event>" → level → count.
    static func report(_ db: TestDatabase, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: [String: Int]] {
        let report = try await db.json(["report", "crvs.access", "--actor", "maria", "--format", "json"], sourceLocation: sourceLocation)
        #expect(report["report"] as? String == "crvs.access", sourceLocation: sourceLocation)
        let rows = try #require(report["rows"] as? [[String: Any]], "no rows in \(report)", sourceLocation: sourceLocation)
        // Every group × event, in the enum orders, zeros included.
        #expect(rows.map { "\($0["population_group"] as? String ?? "?")/\($0["vital_event"] as? String ?? "?")" }
                == groups.flatMap { group in events.map { "\(group)/\($0)" } }, sourceLocation: sourceLocation)
        var counts: [String: [String: Int]] = [:]
        for row in rows {
            let key = "\(row["population_group"] as? String ?? "?")/\(row["vital_event"] as? String ?? "?")"
            counts[key] = try Dictionary(uniqueKeysWithValues: levels.map { level in
                (level, try #require(row[level] as? Int, "\(level) in \(row)", sourceLocation: sourceLocation))
            })
        }
        return counts
    }

    /// Every cell zero except `nonZero` ("group/event" → level → count).
    static func expected(_ nonZero: [String: [String: Int]]) -> [String: [String: Int]] {
        var all: [String: [String: Int]] = [:]
        for group in groups {
            for event in events {
                let key = "\(group)/\(event)"
                all[key] = Dictionary(uniqueKeysWithValues: levels.map { ($0, nonZero[key]?[$0] ?? 0) })
            }
        }
        return all
    }

    /// An assessment for `country` taken to analysis with `groups` × `events` and `access`.
    static func assessed(_ db: TestDatabase, _ country: String, groups: String, events: String, access: String) async throws -> String {
        try await CRVSTests.assessment(db, country: country, upTo: "analysis",
                                       scope: ["population_groups": groups, "vital_events": events, "government_focal_point": "Registrar"],
                                       access: access)
    }

    @Test("with no assessments, every group × event is listed with zeros", arguments: Backend.allCases)
    func emptyReport(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            #expect(try await Self.report(db) == Self.expected([:]))
        }
    }

    @Test("counts per group × event from three assessed countries match a hand count", arguments: Backend.allCases)
    func threeCountries(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            _ = try await Self.assessed(db, "THA", groups: "refugees,stateless_persons", events: "birth,death",
                                        access: CRVSTests.fullAccess)
            _ = try await Self.assessed(db, "IDN", groups: "refugees,asylum_seekers", events: "birth",
                                        access: #"{"refugees": {"birth": "full"}, "asylum_seekers": {"birth": "none"}}"#)
            _ = try await Self.assessed(db, "MYS", groups: "refugees,stateless_persons", events: "birth,death,marriage",
                                        access: #"""
                                        {"refugees": {"birth": "partial", "death": "partial", "marriage": "full"},
                                         "stateless_persons": {"birth": "none", "death": "none", "marriage": "none"}}
                                        """#)
            // Requested only: no matrix, so it counts nowhere.
            _ = try await CRVSTests.assessment(db, country: "PHL", upTo: "requested")

            // THA: refugees birth partial, death none; stateless birth none, death unknown.
            // IDN: refugees birth full; asylum_seekers birth none.
            // MYS: refugees birth partial, death partial, marriage full; stateless birth, death, marriage none.
            let expected = Self.expected([
                "refugees/birth": ["full": 1, "partial": 2],
                "refugees/death": ["partial": 1, "none": 1],
                "refugees/marriage": ["full": 1],
                "stateless_persons/birth": ["none": 2],
                "stateless_persons/death": ["none": 1, "unknown": 1],
                "stateless_persons/marriage": ["none": 1],
                "asylum_seekers/birth": ["none": 1],
            ])
            #expect(try await Self.report(db) == expected)

            // The CSV form carries the same header.
            let csv = try await db.succeed(["report", "crvs.access", "--actor", "maria", "--format", "csv"])
            let rows = try CSV.parse(csv.stdout)
            #expect(rows.first == ["population_group", "vital_event"] + Self.levels)
            #expect(rows.count == 1 + Self.groups.count * Self.events.count)
        }
    }

    @Test("a withdrawn assessment's matrix is not counted", arguments: Backend.allCases)
    func withdrawnNotCounted(backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            _ = try await Self.assessed(db, "THA", groups: "refugees", events: "birth", access: #"{"refugees": {"birth": "full"}}"#)
            let dropped = try await Self.assessed(db, "VNM", groups: "refugees", events: "birth",
                                                  access: #"{"refugees": {"birth": "none"}}"#)
            #expect(try await Self.report(db) == Self.expected(["refugees/birth": ["full": 1, "none": 1]]))
            try await db.step(dropped, "withdraw", reason: "government changed", actor: "maria")
            #expect(try await Self.report(db) == Self.expected(["refugees/birth": ["full": 1]]))
        }
    }
}
