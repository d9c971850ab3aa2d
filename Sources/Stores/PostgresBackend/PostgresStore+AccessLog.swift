import Foundation
import PostgresNIO
import WorkflowEngine

extension PostgresStore {
    public func recordAccess(_ entry: AccessEntry) async throws {
        _ = try await run { connection in
            try await connection.query(
                """
                INSERT INTO access_log (at, actor, action, workflow, cases, query, purpose)
                VALUES (\(entry.at), \(entry.actor), \(entry.action), \(entry.workflow), \(JSONCoding.string(entry.cases))::jsonb,
                        \(entry.query), \(entry.purpose))
                """, logger: logger)
        }
    }

    public func accessLog(_ query: AccessQuery) async throws -> [AccessEntry] {
        try await run { connection in
            let rows = try await connection.query(
                """
                SELECT at, actor, action, workflow, cases::text, query, purpose FROM access_log
                WHERE (\(query.caseReference)::text IS NULL OR cases @> jsonb_build_array(\(query.caseReference)::text))
                  AND (\(query.actor)::text IS NULL OR actor = \(query.actor))
                  AND (\(query.from)::timestamptz IS NULL OR at >= \(query.from))
                  AND (\(query.until)::timestamptz IS NULL OR at < \(query.until))
                ORDER BY at, id LIMIT \(query.limit)
                """, logger: logger
            ).decode((PostgresInstant, String, String, String?, String, String?, String?).self)
            var entries: [AccessEntry] = []
            for try await (at, actor, action, workflow, cases, text, purpose) in rows {
                guard let references = try? JSONDecoder().decode([String].self, from: Data(cases.utf8)) else {
                    throw WorkflowError.damagedRow(table: "access_log", key: "at \(at.date.iso8601)", column: "cases")
                }
                entries.append(AccessEntry(actor: actor, at: at.date, action: action, workflow: workflow, cases: references,
                                           query: text, purpose: purpose))
            }
            return entries
        }
    }
}
