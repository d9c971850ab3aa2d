import Foundation
import PostgresNIO
import Testing
import WorkflowTestSupport
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine

/// `metrics outcomes --from/--to`: the same answers as summing the history, read through an index of outcome events.
@Suite("Outcome totals over a period")
struct OutcomePeriodMetricsTests {
    static let day: TimeInterval = 86_400

    @Test("totals over any period, split or not, equal the sum of the history's outcome events", arguments: Backend.allCases)
    func periodTotalsEqualThePlainSumOfTheHistory(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let ids = try await Self.seedOutcomes(store)
            var history: [EventRecord] = []
            for id in ids { history += try await store.history(of: id) }
            #expect(history.filter { $0.kind == .outcome }.count > 40)
            let cases = try await store.listCases(CaseQuery(workflow: "avrr", limit: 1_000))
            let t0 = Sample.t0, day = Self.day
            let periods: [Period] = [
                Period(from: t0, until: t0 + 10 * day), Period(from: t0 + 7 * day, until: t0 + 30 * day),
                Period(from: nil, until: t0 + 15 * day), Period(from: t0 + 20 * day, until: nil), Period(from: t0 + 400 * day, until: nil),
            ]
            for period in periods {
                for field in [nil, "host_country"] {
                    let rows = try await store.outcomeTotals(workflow: "avrr", parentID: nil, from: period.from, until: period.until, by: field)
                    #expect(Self.keyed(rows) == Self.plainTotals(history, cases, period, by: field), "\(period) by \(field ?? "-")")
                }
            }
            #expect(try await store.outcomeTotals(workflow: "jpa.operation", parentID: nil, from: t0, until: nil, by: nil).isEmpty)
        }
    }

    struct Period: Sendable, CustomStringConvertible {
        let from: Date?
        let until: Date?
        var description: String { "from \(from.map { "\($0)" } ?? "-") until \(until.map { "\($0)" } ?? "-")" }
    }

    /// 24 cases (a few without the `by` field) with a seeded number of outcome events each, corrections included.
    static func seedOutcomes(_ store: any CaseStore) async throws -> [UUID] {
        var random = SeededRandom(seed: 9)
        let countries = ["IDN", "THA", "MYS"], outcomes = ["arrests", "prosecutions", "convictions"]
        var ids: [UUID] = []
        for index in 0..<24 {
            var fields: FieldValues = ["name": .string("Op \(index)")]
            if index % 5 != 0 { fields["host_country"] = .string(countries[Int(random.next() % 3)]) }
            var record = try await store.insert(Sample.newCase(at: Sample.t0 + Double(index) * day, fields: fields))
            ids.append(record.id)
            for _ in 0..<Int(random.next() % 6) {
                let at = record.updatedAt + Double(random.next() % 40 + 1) * day / 4
                let name = outcomes[Int(random.next() % 3)]
                let correction = (record.outcomes[name] ?? 0) > 0 && random.next() % 4 == 0
                let count = correction ? -1 : Int(random.next() % 9) + 1
                record = try await store.apply(Sample.outcome(record, name, count, at: at))
            }
        }
        return ids
    }

    /// The plain computation: every outcome event of the history in the period, summed per field value and outcome.
    static func plainTotals(_ history: [EventRecord], _ cases: [CaseRecord], _ period: Period, by field: String?) -> [String: Int] {
        let fields = Dictionary(uniqueKeysWithValues: cases.map { ($0.id, $0.fields) })
        var totals: [String: Int] = [:]
        for event in history where event.kind == .outcome {
            if let from = period.from, event.at < from { continue }
            if let until = period.until, event.at >= until { continue }
            let value = field.flatMap { fields[event.caseID]?[$0]?.plainText } ?? "-"
            let outcome = event.fields["outcome"]?.plainText ?? "?"
            let count = event.fields["count"].flatMap { if case .int(let count) = $0 { count } else { nil } } ?? 0
            totals["\(value) \(outcome)", default: 0] += count
        }
        return totals
    }

    static func keyed(_ rows: [OutcomeCount]) -> [String: Int] {
        var totals: [String: Int] = [:]
        for row in rows { totals["\(row.value ?? "-") \(row.outcome)", default: 0] += row.total }
        return totals
    }

    /// About 50,000 cases with 250,000 events of which 1% are outcomes, generated in the database and analysed.
    static let generated = [
        """
        INSERT INTO cases (id, reference, workflow, definition_version, state, state_entered_at, version, fields,
                           created_by, created_at, updated_by, updated_at)
        SELECT md5('case' || n)::uuid, 'GEN-' || n, CASE WHEN n % 10 = 0 THEN 'jpa.operation' ELSE 'avrr' END, 1,
               'active', t, 5, jsonb_build_object('lead_country', (ARRAY['IDN','THA','MYS'])[n % 3 + 1]), 'gen', t, 'gen', t
        FROM generate_series(1, 50000) AS n, LATERAL (SELECT timestamptz '2010-01-01' + n * interval '1 hour') AS time (t)
        """,
        """
        INSERT INTO case_events (case_id, case_version, kind, actor, fields, at)
        SELECT md5('case' || n)::uuid, v, CASE WHEN n % 10 = 0 AND v = 5 THEN 'outcome' ELSE 'transition' END, 'gen',
               CASE WHEN n % 10 = 0 AND v = 5 THEN jsonb_build_object('outcome', 'arrests', 'count', n % 7 + 1) ELSE '{}' END,
               timestamptz '2010-01-01' + n * interval '1 hour' + v * interval '1 day'
        FROM generate_series(1, 50000) AS n, generate_series(1, 5) AS v
        """,
        "ANALYZE cases",
        "ANALYZE case_events",
    ]

    @Test func postgresReadsAPeriodsOutcomesThroughTheirIndexNotTheWholeHistory() async throws {
        try await Backend.postgres.withFreshStore { (store, raw) async throws in
            let postgres = try #require(store as? PostgresStore)
            for statement in Self.generated { try await raw.execute(statement) }
            let year = try #require(SimpleDate("2013-01-01")), end = try #require(SimpleDate("2013-12-31"))
            for (from, until) in [(year.startOfDay, end.endOfDay), (nil, end.endOfDay), (year.startOfDay, nil)] {
                for field in [nil, "lead_country"] {
                    let query = PostgresStore.outcomeTotalsQuery(workflow: "jpa.operation", parentID: nil, from: from, until: until, by: field)
                    let plan = try await postgres.client.query(PostgresQuery(unsafeSQL: "EXPLAIN " + query.sql, binds: query.binds),
                                                               logger: postgres.logger).decode(String.self).all().joined(separator: "\n")
                    #expect(plan.contains("case_events_outcomes"), "\(plan)")
                    #expect(!plan.contains("Seq Scan on case_events"), "\(plan)")
                }
            }
            let totals = try await store.outcomeTotals(workflow: "jpa.operation", parentID: nil, from: year.startOfDay,
                                                       until: end.endOfDay, by: nil)
            let plain = try await postgres.client.query("""
                SELECT sum((fields->>'count')::int8)::int8 FROM case_events
                WHERE kind = 'outcome' AND at >= \(year.startOfDay) AND at < \(end.endOfDay)
                """, logger: postgres.logger).decode(Int.self).all()
            #expect(totals.map(\.total) == plain && plain.first ?? 0 > 0)
        }
    }

    @Test func sqliteReadsAPeriodsOutcomesThroughTheirIndexNotTheWholeHistory() async throws {
        try await Backend.sqlite.withFreshStore { (store, _) async throws in
            let sqlite = try #require(store as? SQLiteStore)
            let t0 = Sample.t0
            for (from, until) in [(t0, t0.addingTimeInterval(Self.day)), (nil, t0), (t0, nil)] {
                for field in [nil, "host_country"] {
                    let (sql, binds) = SQLiteStore.outcomeTotalsQuery(workflow: "avrr", parentID: nil, from: from, until: until, by: field)
                    let plan = try await sqlite.query("EXPLAIN QUERY PLAN " + sql, binds).map { $0.string("detail") }
                    #expect(plan.contains { $0.contains("SEARCH e USING INDEX case_events_outcomes") }, "\(plan)")
                    #expect(!plan.contains { $0.hasPrefix("SCAN e") || $0.contains("SEARCH e USING INDEX sqlite_autoindex") }, "\(plan)")
                }
            }
        }
    }
}
