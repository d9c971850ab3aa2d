import Foundation
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine

/// PostgreSQL migration 9 restores the fields that recording an outcome used to overwrite.
@Suite("Migration 9 repairs cases whose fields an outcome overwrote")
struct MigrationRepairTests {
    @Test func aDamagedCaseGetsTheFieldsItsHistoryLeft() async throws {
        try await Backend.postgres.withFreshStore { (store, raw) async throws in
            // A field named like the payload, overwritten and then joined by the payload's other name, as the
            // outcome write used to merge it; then updated on top of the damage.
            let fields: FieldValues = ["count": .int(7), "host_country": .string("THA"), "sex": .string("female")]
            let damaged = try await store.insert(Sample.newCase(fields: fields))
            var current = try await store.apply(Sample.change(damaged, to: "counselling", transition: "start_counselling",
                                                              fields: ["sex": .null, "destination_country": .string("BGD")]))
            current = try await store.apply(Sample.outcome(current, "arrests", 2))
            try await raw.execute("""
                UPDATE cases SET fields = fields || '{"outcome": "arrests", "count": 2}' WHERE id = '\(damaged.id)'
                """)
            current = try await store.apply(Sample.update(current, ["host_country": .string("MYS")]))
            #expect(try await store.findCase(.id(damaged.id))?.fields["outcome"] == .string("arrests"))

            // A case with outcomes that was never damaged, and one without outcomes: migration 9 leaves them be.
            let intact = try await store.apply(Sample.outcome(try await store.insert(Sample.newCase()), "arrests", 1))
            let plain = try await store.insert(Sample.newCase(fields: ["host_country": .string("IDN")]))

            try await raw.execute("DELETE FROM rso_schema_migrations WHERE version = 9")
            #expect(try await store.migrate().map(\.version) == [9])

            let repaired = try #require(try await store.findCase(.id(damaged.id)))
            #expect(repaired.fields == ["count": .int(7), "host_country": .string("MYS"), "destination_country": .string("BGD")])
            #expect(repaired.fields == current.fields)
            #expect(repaired.version == current.version && repaired.outcomes == ["arrests": 2])
            #expect(try await store.findCase(.id(intact.id)) == intact)
            #expect(try await store.findCase(.id(plain.id)) == plain)
            #expect(try await store.history(of: damaged.id).count == 4)
        }
    }
}
