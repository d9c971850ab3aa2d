import Foundation
import Logging
import PostgresNIO
import WorkflowEngine

/// What is in the database when the measurements start.
struct DatasetSummary: Sendable, Codable {
    var cases = 0
    var events = 0
    var intervals = 0
    var openIntervals = 0
    /// Seconds the load took (nil when existing data was reused).
    var loadSeconds: Double?
    var loadSteps: [LoadStep] = []
    var databaseSize = ""
    var serverVersion = ""

    /// One open stay per case: the projection agrees with the cases.
    var consistent: Bool { openIntervals == cases }
}

struct LoadStep: Sendable, Codable {
    let name: String
    let seconds: Double
}

/// Fills an empty, migrated database with the generated AVRR history, all on the server, then `VACUUM ANALYZE`.
struct DataLoader {
    let database: RawDatabase

    func load(cases: Int) async throws -> [LoadStep] {
        try DatasetShape.validate()
        return try await database.client.withConnection { connection in
            var steps: [LoadStep] = []
            func step(_ name: String, _ statements: [String]) async throws {
                let (_, ms) = try await Stopwatch.time {
                    for sql in statements { try await connection.query(PostgresQuery(unsafeSQL: sql), logger: database.logger) }
                }
                steps.append(LoadStep(name: name, seconds: ms / 1_000))
                note(String(format: "load: %@ in %.1f s", name, ms / 1_000))
            }
            // Session settings only: big sorts in memory; foreign keys hold by construction, so their per-row checks are skipped.
            try await step("session settings", [
                "SET work_mem = '1GB'", "SET maintenance_work_mem = '2GB'", "SELECT setseed(0.2015)",
                "DROP TABLE IF EXISTS \(GenerationSQL.staging.joined(separator: ", "))",
            ])
            let superuser = try await connection.query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user", logger: database.logger)
                .collect().first?.decode(Bool.self) ?? false
            if superuser { try await step("skip foreign-key checks", ["SET session_replication_role = replica"]) }
            try await step("plan \(cases) cases", GenerationSQL.moves() + [GenerationSQL.cases(cases)])
            try await step("walk their histories", [GenerationSQL.walk, GenerationSQL.last])
            try await step("users and reference counters", [GenerationSQL.users, GenerationSQL.counters])
            try await step("insert cases", [GenerationSQL.insertCases(definitionVersion: DatasetShape.workflow.version)])
            // History and projection load into unindexed tables; their indexes are then built in one pass each.
            let indexes = try await secondaryIndexes(connection)
            try await step("drop \(indexes.count) history indexes", indexes.map(\.drop))
            do {
                try await step("insert events", [GenerationSQL.insertEvents])
                try await step("insert stage intervals", [GenerationSQL.insertIntervals])
                try await step("jpa.operation cases and outcome records", GenerationSQL.operations(cases: cases))
            } catch {
                for index in indexes { _ = try? await connection.query(PostgresQuery(unsafeSQL: index.create), logger: database.logger) }
                throw error
            }
            try await step("rebuild \(indexes.count) history indexes", indexes.map(\.create))
            try await step("drop staging tables", [
                "DROP TABLE \(GenerationSQL.staging.joined(separator: ", "))", "RESET session_replication_role",
            ])
            try await step("vacuum analyze", ["cases", "case_events", "stage_intervals", "users", "reference_counters"].map {
                "VACUUM ANALYZE \($0)"
            })
            return steps
        }
    }

    /// Indexes of the history and the projection other than `case_events`' sequential primary key: how to drop and rebuild each.
    private func secondaryIndexes(_ connection: PostgresConnection) async throws -> [(drop: String, create: String)] {
        let rows = try await connection.query(
            """
            SELECT 'ALTER TABLE ' || conrelid::regclass || ' DROP CONSTRAINT ' || quote_ident(conname),
                   'ALTER TABLE ' || conrelid::regclass || ' ADD CONSTRAINT ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid)
            FROM pg_constraint
            WHERE (conrelid = 'case_events'::regclass AND contype = 'u')
               OR (conrelid = 'stage_intervals'::regclass AND contype IN ('p', 'u'))
            UNION ALL
            SELECT 'DROP INDEX ' || indexrelid::regclass, pg_get_indexdef(indexrelid)
            FROM pg_index i
            WHERE indrelid IN ('case_events'::regclass, 'stage_intervals'::regclass)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
            """, logger: database.logger).decode((String, String).self)
        var indexes: [(drop: String, create: String)] = []
        for try await (drop, create) in rows { indexes.append((drop, create)) }
        return indexes
    }

    /// Counts, size and server version, for the report.
    func summary() async throws -> DatasetSummary {
        var summary = DatasetSummary()
        let workflow = DatasetShape.workflow.id
        summary.cases = try await database.integer("SELECT count(*)::int8 FROM cases WHERE workflow = \(workflow)")
        summary.events = try await database.integer("SELECT count(*)::int8 FROM case_events")
        summary.intervals = try await database.integer("SELECT count(*)::int8 FROM stage_intervals WHERE workflow = \(workflow)")
        summary.openIntervals = try await database.integer(
            "SELECT count(*)::int8 FROM stage_intervals WHERE left_at IS NULL AND workflow = \(workflow)")
        summary.databaseSize = try await database.rows("SELECT pg_size_pretty(pg_database_size(current_database()))")
            .first?.decode(String.self) ?? "?"
        summary.serverVersion = try await database.rows("SHOW server_version").first?.decode(String.self) ?? "?"
        return summary
    }
}
