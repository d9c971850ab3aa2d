import Foundation
import SQLiteNIO
import WorkflowEngine

extension SQLiteStore {
    public func recordAccess(_ entry: AccessEntry) async throws {
        try await transaction {
            _ = try await self.query(
                "INSERT INTO access_log (at, actor, action, workflow, cases, query, purpose) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [.micros(entry.at), .text(entry.actor), .text(entry.action), .optional(entry.workflow),
                 .text(JSONCoding.string(entry.cases)), .optional(entry.query), .optional(entry.purpose)])
        }
    }

    public func accessLog(_ query: AccessQuery) async throws -> [AccessEntry] {
        let binds: [SQLiteData] = [
            .optional(query.caseReference), .optional(query.caseReference), .optional(query.actor), .optional(query.actor),
            .optional(query.from), .optional(query.from), .optional(query.until), .optional(query.until), .integer(query.limit),
        ]
        return try await access.run {
            try await self.query(
                """
                SELECT * FROM access_log
                WHERE (? IS NULL OR EXISTS (SELECT 1 FROM json_each(access_log.cases) WHERE value = ?))
                  AND (? IS NULL OR actor = ?)
                  AND (? IS NULL OR at >= ?)
                  AND (? IS NULL OR at < ?)
                ORDER BY at, id LIMIT ?
                """, binds
            ).map { row in
                let stored = StoredRow(row, table: "access_log", key: "id \(row.column("id")?.description ?? "?")")
                return AccessEntry(actor: try stored.text("actor"), at: try stored.date("at"), action: try stored.text("action"),
                                   workflow: try stored.optionalText("workflow"), cases: try stored.json([String].self, "cases"),
                                   query: try stored.optionalText("query"), purpose: try stored.optionalText("purpose"))
            }
        }
    }
}
