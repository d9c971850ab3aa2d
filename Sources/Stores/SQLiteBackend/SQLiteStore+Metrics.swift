import Foundation
import SQLiteNIO
import WorkflowEngine

extension SQLiteStore {
    public func overdueCounts(workflow: String, at instant: Date) async throws -> [StageCount] {
        try await access.run {
            try await self.query(
                "SELECT state AS state, NULL AS value, count(*) AS n FROM cases WHERE workflow = ? AND due_at < ? GROUP BY 1",
                [.text(workflow), .micros(instant)]
            ).map(Self.stageCount)
        }
    }

    public func stageCounts(workflow: String, at instant: Date?, by field: String?) async throws -> [StageCount] {
        guard let instant else { return try await currentStageCounts(workflow: workflow, by: field) }
        let by = field == nil ? "NULL" : "c.fields -> ?"
        let join = field == nil ? "" : "JOIN cases c ON c.id = i.case_id"
        let binds: [SQLiteData] = (field.map { [.text(Self.jsonPath($0))] } ?? []) + [.text(workflow), .micros(instant), .micros(instant)]
        return try await access.run {
            try await self.query(
                """
                SELECT i.state AS state, \(by) AS value, count(*) AS n FROM stage_intervals i \(join)
                WHERE i.workflow = ? AND i.entered_at < ? AND (i.left_at IS NULL OR i.left_at >= ?)
                GROUP BY 1, 2
                """, binds
            ).map(Self.stageCount)
        }
    }

    public func flow(workflow: String, into state: String, from: Date, until: Date, by field: String?) async throws -> [FieldCount] {
        let by = field == nil ? "NULL" : "c.fields -> ?"
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
            ).map { row in
                let stored = StoredRow(row, table: "stage_intervals", key: "(counted by field)")
                return FieldCount(value: try StoredForm.key(storedJSON: try stored.optionalText("value")), count: try stored.integer("n"))
            }
        }
    }

    public func stageDurations(workflow: String) async throws -> [DurationStats] {
        let rows = try await access.run {
            try await self.query(
                "SELECT state, left_at - entered_at AS micros FROM stage_intervals WHERE workflow = ? AND left_at IS NOT NULL",
                [.text(workflow)])
        }
        var byState: [String: [Double]] = [:]
        for row in rows {
            let stored = StoredRow(row, table: "stage_intervals", key: "(a finished stay)")
            byState[try stored.text("state"), default: []].append(Double(try stored.integer("micros")) / 1_000_000)
        }
        return byState.compactMap { state, seconds in DurationStats(state: state, seconds: seconds) }
    }

    public func durationsToState(workflow: String, state: String) async throws -> DurationStats? {
        let rows = try await access.run {
            try await self.query(
                """
                SELECT min(i.entered_at) - c.created_at AS micros FROM stage_intervals i JOIN cases c ON c.id = i.case_id
                WHERE i.workflow = ? AND i.state = ? GROUP BY i.case_id, c.created_at
                """, [.text(workflow), .text(state)])
        }
        return DurationStats(state: state, seconds: try rows.map {
            Double(try StoredRow($0, table: "stage_intervals", key: "(a stay in \(state))").integer("micros")) / 1_000_000
        })
    }

    public func outcomeTotals(
        workflow: String, parentID: UUID?, from: Date?, until: Date?, by field: String?
    ) async throws -> [OutcomeCount] {
        let (sql, arguments) = Self.outcomeTotalsQuery(workflow: workflow, parentID: parentID, from: from, until: until, by: field)
        return try await access.run {
            try await self.query(sql, arguments).map { row in
                let stored = StoredRow(row, table: "cases", key: "(outcome totals)")
                return OutcomeCount(value: try StoredForm.key(storedJSON: try stored.optionalText("value")),
                                    outcome: try stored.text("outcome"), total: try stored.integer("total"))
            }
        }
    }

    /// The query `outcomeTotals` runs (apart, so that a test can check its plan).
    static func outcomeTotalsQuery(
        workflow: String, parentID: UUID?, from: Date?, until: Date?, by field: String?
    ) -> (String, [SQLiteData]) {
        var binds: [SQLiteData] = field.map { [.text(Self.jsonPath($0))] } ?? []
        let by = field == nil ? "NULL" : "c.fields -> ?"
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
            // The period's outcome events through their index (case_events_outcomes), then each one's case:
            // CROSS JOIN keeps that order (SQLite would otherwise read every event of every case of the workflow).
            if let from { filters += " AND e.at >= ?"; binds.append(.micros(from)) }
            if let until { filters += " AND e.at < ?"; binds.append(.micros(until)) }
            sql = """
                SELECT \(by) AS value, json_extract(e.fields, '$.outcome') AS outcome,
                       sum(json_extract(e.fields, '$.count')) AS total
                FROM case_events e CROSS JOIN cases c ON c.id = e.case_id
                WHERE e.kind = 'outcome' AND \(filters) GROUP BY 1, 2
                """
        }
        return (sql, binds)
    }

    public func stageIntervals(of caseID: UUID) async throws -> [StageInterval] {
        try await access.run {
            try await self.query(
                "SELECT state, entered_at, left_at FROM stage_intervals WHERE case_id = ? ORDER BY entered_seq", [.uuid(caseID)]
            ).map { row in
                let stored = StoredRow(row, table: "stage_intervals", key: "case \(caseID.lowercasedString)")
                return StageInterval(state: try stored.text("state"), enteredAt: try stored.date("entered_at"),
                                     leftAt: try stored.optionalDate("left_at"))
            }
        }
    }
}
