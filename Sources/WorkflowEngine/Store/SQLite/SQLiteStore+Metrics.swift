import Foundation
import SQLiteNIO

extension SQLiteStore {
    public func stageCounts(workflow: String, at instant: Date, by field: String?) async throws -> [StageCount] {
        let by = field == nil ? "NULL" : "json_extract(c.fields, ?)"
        let join = field == nil ? "" : "JOIN cases c ON c.id = i.case_id"
        let binds: [SQLiteData] = (field.map { [.text(Self.jsonPath($0))] } ?? []) + [.text(workflow), .micros(instant), .micros(instant)]
        return try await access.run {
            try await self.query(
                """
                SELECT i.state AS state, \(by) AS value, count(*) AS n FROM stage_intervals i \(join)
                WHERE i.workflow = ? AND i.entered_at < ? AND (i.left_at IS NULL OR i.left_at >= ?)
                GROUP BY 1, 2
                """, binds
            ).map { StageCount(state: $0.string("state"), value: $0.optionalString("value"), count: $0.int("n")) }
        }
    }

    public func flow(workflow: String, into state: String, from: Date, until: Date, by field: String?) async throws -> [FieldCount] {
        let by = field == nil ? "NULL" : "json_extract(c.fields, ?)"
        let join = field == nil ? "" : "JOIN cases c ON c.id = i.case_id"
        let binds: [SQLiteData] = (field.map { [.text(Self.jsonPath($0))] } ?? [])
            + [.text(workflow), .text(state), .micros(from), .micros(until)]
        return try await access.run {
            try await self.query(
                """
                SELECT \(by) AS value, count(DISTINCT i.case_id) AS n FROM stage_intervals i \(join)
                WHERE i.workflow = ? AND i.state = ? AND i.entered_at >= ? AND i.entered_at < ?
                GROUP BY 1
                """, binds
            ).map { FieldCount(value: $0.optionalString("value"), count: $0.int("n")) }
        }
    }

    public func stageDurations(workflow: String) async throws -> [DurationStats] {
        let rows = try await access.run {
            try await self.query(
                "SELECT state, left_at - entered_at AS micros FROM stage_intervals WHERE workflow = ? AND left_at IS NOT NULL",
                [.text(workflow)])
        }
        let byState = Dictionary(grouping: rows, by: { $0.string("state") })
        return byState.compactMap { state, rows in
            DurationStats(state: state, seconds: rows.map { Double($0.int("micros")) / 1_000_000 })
        }
    }

    public func durationsToState(workflow: String, state: String) async throws -> DurationStats? {
        let rows = try await access.run {
            try await self.query(
                """
                SELECT min(i.entered_at) - c.created_at AS micros FROM stage_intervals i JOIN cases c ON c.id = i.case_id
                WHERE i.workflow = ? AND i.state = ? GROUP BY i.case_id, c.created_at
                """, [.text(workflow), .text(state)])
        }
        return DurationStats(state: state, seconds: rows.map { Double($0.int("micros")) / 1_000_000 })
    }

    public func outcomeTotals(
        workflow: String, parentID: UUID?, from: Date?, until: Date?, by field: String?
    ) async throws -> [OutcomeCount] {
        var binds: [SQLiteData] = field.map { [.text(Self.jsonPath($0))] } ?? []
        let by = field == nil ? "NULL" : "json_extract(c.fields, ?)"
        var filters = "c.workflow = ?"
        binds.append(.text(workflow))
        if let parentID { filters += " AND c.parent_id = ?"; binds.append(.uuid(parentID)) }
        let sql: String
        if from == nil && until == nil {
            sql = """
                SELECT \(by) AS value, o.key AS outcome, sum(o.value) AS total FROM cases c, json_each(c.outcomes) AS o
                WHERE \(filters) GROUP BY 1, 2
                """
        } else {
            if let from { filters += " AND e.at >= ?"; binds.append(.micros(from)) }
            if let until { filters += " AND e.at < ?"; binds.append(.micros(until)) }
            sql = """
                SELECT \(by) AS value, json_extract(e.fields, '$.outcome') AS outcome,
                       sum(json_extract(e.fields, '$.count')) AS total
                FROM case_events e JOIN cases c ON c.id = e.case_id
                WHERE e.kind = 'outcome' AND \(filters) GROUP BY 1, 2
                """
        }
        let arguments = binds
        return try await access.run {
            try await self.query(sql, arguments).map {
                OutcomeCount(value: $0.optionalString("value"), outcome: $0.string("outcome"), total: $0.int("total"))
            }
        }
    }

    public func stageIntervals(of caseID: UUID) async throws -> [StageInterval] {
        try await access.run {
            try await self.query(
                "SELECT state, entered_at, left_at FROM stage_intervals WHERE case_id = ? ORDER BY entered_seq", [.uuid(caseID)]
            ).map { StageInterval(state: $0.string("state"), enteredAt: $0.date("entered_at"), leftAt: $0.optionalDate("left_at")) }
        }
    }
}
