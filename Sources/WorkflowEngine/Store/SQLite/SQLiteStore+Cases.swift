import Foundation
import SQLiteNIO

extension SQLiteStore {
    public func insert(_ new: NewCase) async throws -> CaseRecord {
        try await transaction {
            let number = try await self.query(
                """
                INSERT INTO reference_counters (prefix, year, last_number) VALUES (?, ?, 1)
                ON CONFLICT (prefix, year) DO UPDATE SET last_number = last_number + 1
                RETURNING last_number
                """, [.text(new.referencePrefix), .integer(new.referenceYear)]).first?.int("last_number") ?? 1
            var record = new.record
            record.reference = "\(new.referencePrefix)-\(new.referenceYear)-\(number.zeroPadded(6))"
            let c = record
            _ = try await self.query(
                """
                INSERT INTO cases (id, reference, workflow, definition_version, state, previous_state, state_entered_at,
                                   version, fields, parent_id, assignee, due_at, created_by, created_at, updated_by, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.uuid(c.id), .text(c.reference), .text(c.workflow), .integer(c.definitionVersion), .text(c.state),
                 .optional(c.previousState), .micros(c.stateEnteredAt), .integer(c.version),
                 .text(JSONCoding.string(c.fields)), c.parentID.map(SQLiteData.uuid) ?? .null, .optional(c.assignee),
                 .optional(c.dueAt), .text(c.createdBy), .micros(c.createdAt), .text(c.updatedBy), .micros(c.updatedAt)])
            // The history row's trigger opens the first stay.
            try await self.insertEvent(new.event)
            try await self.claim(new.claims, for: c.id)
            return record
        }
    }

    public func apply(_ change: CaseChange) async throws -> CaseRecord {
        try await transaction {
            let c = change.record
            let updated = try await self.query(
                """
                UPDATE cases SET state = ?, previous_state = ?, state_entered_at = ?, version = ?, fields = ?,
                                 outcomes = ?, assignee = ?, due_at = ?, updated_by = ?, updated_at = ?
                WHERE id = ? AND version = ?
                RETURNING id
                """,
                [.text(c.state), .optional(c.previousState), .micros(c.stateEnteredAt), .integer(c.version),
                 .text(JSONCoding.string(c.fields)), .text(JSONCoding.string(c.outcomes)), .optional(c.assignee),
                 .optional(c.dueAt), .text(c.updatedBy),
                 .micros(c.updatedAt), .uuid(c.id), .integer(change.expectedVersion)])
            guard !updated.isEmpty else { throw StoreSignal.versionConflict }
            // The history row's trigger closes the stay and opens the next when the case moves.
            try await self.insertEvent(change.event)
            for field in change.releases {
                _ = try await self.query("DELETE FROM case_unique_values WHERE case_id = ? AND field = ?", [.uuid(c.id), .text(field)])
            }
            try await self.claim(change.claims, for: c.id)
            return c
        }
    }

    private func claim(_ claims: [UniqueClaim], for caseID: UUID) async throws {
        for claim in claims {
            _ = try await query(
                "INSERT INTO case_unique_values (workflow, field, value, case_id) VALUES (?, ?, ?, ?)",
                [.text(claim.workflow), .text(claim.field), .text(claim.value), .uuid(caseID)])
        }
    }

    public func holder(of claim: UniqueClaim) async throws -> CaseRecord? {
        try await access.run {
            try await self.query(
                """
                SELECT * FROM cases WHERE id = (
                    SELECT case_id FROM case_unique_values WHERE workflow = ? AND field = ? AND value = ?)
                """, [.text(claim.workflow), .text(claim.field), .text(claim.value)]
            ).first.map(Self.caseRecord)
        }
    }

    /// Appends an event (its trigger keeps the stays up to date).
    private func insertEvent(_ e: EventRecord) async throws {
        _ = try await query(
            """
            INSERT INTO case_events (case_id, case_version, kind, transition, from_state, to_state, actor, role, reason,
                                     fields, at, idempotency_key, request_hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.uuid(e.caseID), .integer(e.caseVersion), .text(e.kind.rawValue), .optional(e.transition),
             .optional(e.from), .optional(e.to), .text(e.actor), .optional(e.role?.rawValue), .optional(e.reason),
             .text(JSONCoding.string(e.fields)), .micros(e.at), .optional(e.idempotencyKey), .optional(e.requestHash)])
    }

    public func findCase(_ locator: CaseLocator) async throws -> CaseRecord? {
        try await access.run {
            let rows: [SQLiteRow]
            switch locator {
            case .id(let id): rows = try await self.query("SELECT * FROM cases WHERE id = ?", [.uuid(id)])
            case .reference(let reference): rows = try await self.query("SELECT * FROM cases WHERE reference = ?", [.text(reference)])
            }
            return try rows.first.map(Self.caseRecord)
        }
    }

    public func history(of caseID: UUID) async throws -> [EventRecord] {
        try await access.run {
            try await self.query("SELECT * FROM case_events WHERE case_id = ? ORDER BY at, seq", [.uuid(caseID)]).map { row in
                EventRecord(
                    seq: Int64(row.int("seq")), caseID: caseID, caseVersion: row.int("case_version"),
                    kind: EventKind(rawValue: row.string("kind")) ?? .note, transition: row.optionalString("transition"),
                    from: row.optionalString("from_state"), to: row.optionalString("to_state"), actor: row.string("actor"),
                    role: row.optionalString("role").flatMap(Role.init(rawValue:)), reason: row.optionalString("reason"),
                    fields: try JSONCoding.fields(from: row.string("fields")), at: row.date("at"),
                    idempotencyKey: row.optionalString("idempotency_key"), requestHash: row.optionalString("request_hash"))
            }
        }
    }

    public func latestActors(of caseID: UUID) async throws -> [String: String] {
        try await access.run {
            var actors: [String: String] = [:]
            // Oldest first: each transition ends with its latest actor.
            for row in try await self.query(
                "SELECT transition, actor FROM case_events WHERE case_id = ? AND transition IS NOT NULL ORDER BY seq",
                [.uuid(caseID)]) {
                actors[row.string("transition")] = row.string("actor")
            }
            return actors
        }
    }

    public func idempotentRequest(key: String) async throws -> IdempotentRequest? {
        try await access.run {
            try await self.query("SELECT case_id, request_hash FROM case_events WHERE idempotency_key = ?", [.text(key)])
                .first.flatMap { row in
                    row.uuid("case_id").map { IdempotentRequest(caseID: $0, requestHash: row.string("request_hash")) }
                }
        }
    }

    public func listCases(_ filter: CaseQuery) async throws -> [CaseRecord] {
        var sql = "SELECT * FROM cases WHERE 1 = 1"
        var binds: [SQLiteData] = []
        if let workflow = filter.workflow { sql += " AND workflow = ?"; binds.append(.text(workflow)) }
        if let state = filter.state { sql += " AND state = ?"; binds.append(.text(state)) }
        if let parent = filter.parentID { sql += " AND parent_id = ?"; binds.append(.uuid(parent)) }
        if let at = filter.overdueAt { sql += " AND due_at < ?"; binds.append(.micros(at)) }
        for (field, value) in filter.fieldEquals {
            sql += " AND (json_extract(fields, ?) = ? OR EXISTS (SELECT 1 FROM json_each(fields, ?) WHERE value = ?))"
            binds += [.text(Self.jsonPath(field)), .text(value), .text(Self.jsonPath(field)), .text(value)]
        }
        sql += " ORDER BY created_at, reference LIMIT ?"
        binds.append(.integer(filter.limit))
        let query = sql, arguments = binds
        return try await access.run { try await self.query(query, arguments).map(Self.caseRecord) }
    }

    public func stageCounts(workflow: String, by field: String?) async throws -> [StageCount] {
        try await access.run {
            if let field {
                return try await self.query(
                    "SELECT state, json_extract(fields, ?) AS value, count(*) AS n FROM cases WHERE workflow = ? GROUP BY 1, 2",
                    [.text(Self.jsonPath(field)), .text(workflow)]
                ).map { StageCount(state: $0.string("state"), value: $0.optionalString("value"), count: $0.int("n")) }
            }
            return try await self.query(
                "SELECT state, count(*) AS n FROM cases WHERE workflow = ? GROUP BY state", [.text(workflow)]
            ).map { StageCount(state: $0.string("state"), value: nil, count: $0.int("n")) }
        }
    }

    static func jsonPath(_ field: String) -> String { "$.\"\(field)\"" }

    static func caseRecord(_ row: SQLiteRow) throws -> CaseRecord {
        CaseRecord(
            id: row.uuid("id") ?? UUID(), reference: row.string("reference"), workflow: row.string("workflow"),
            definitionVersion: row.int("definition_version"), state: row.string("state"),
            previousState: row.optionalString("previous_state"), stateEnteredAt: row.date("state_entered_at"),
            version: row.int("version"), fields: try JSONCoding.fields(from: row.string("fields")),
            outcomes: try JSONDecoder().decode([String: Int].self, from: Data(row.string("outcomes").utf8)),
            parentID: row.uuid("parent_id"), assignee: row.optionalString("assignee"), dueAt: row.optionalDate("due_at"),
            createdBy: row.string("created_by"), createdAt: row.date("created_at"), updatedBy: row.string("updated_by"),
            updatedAt: row.date("updated_at"))
    }
}
