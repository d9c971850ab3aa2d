import Foundation
import SQLiteNIO
import WorkflowEngine

extension SQLiteStore {
    public func insert(_ new: NewCase) async throws -> CaseRecord {
        try await transaction {
            let counters = try await self.query(
                """
                INSERT INTO reference_counters (prefix, year, last_number) VALUES (?, ?, 1)
                ON CONFLICT (prefix, year) DO UPDATE SET last_number = last_number + 1
                RETURNING last_number
                """, [.text(new.referencePrefix), .integer(new.referenceYear)])
            let counterKey = "\(new.referencePrefix) \(new.referenceYear)"
            guard let counter = counters.first else {
                throw WorkflowError.damagedRow(table: "reference_counters", key: counterKey, column: "last_number")
            }
            let number = try StoredRow(counter, table: "reference_counters", key: counterKey).integer("last_number")
            let (linked, event) = new.linked
            var record = linked
            record.reference = CaseReference.format(prefix: new.referencePrefix, year: new.referenceYear, number: number)
            let c = record
            _ = try await self.query(
                """
                INSERT INTO cases (id, reference, workflow, definition_version, state, previous_state, state_entered_at,
                                   version, fields, parent_id, assignee, due_at, created_by, created_at, updated_by, updated_at,
                                   chain_head, case_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.uuid(c.id), .text(c.reference), .text(c.workflow), .integer(c.definitionVersion), .text(c.state),
                 .optional(c.previousState), .micros(c.stateEnteredAt), .integer(c.version),
                 .text(JSONCoding.string(c.fields)), c.parentID.map(SQLiteData.uuid) ?? .null, .optional(c.assignee),
                 .optional(c.dueAt), .text(c.createdBy), .micros(c.createdAt), .text(c.updatedBy), .micros(c.updatedAt),
                 .optional(c.chainHead), .optional(c.caseKey)])
            // The history row's trigger opens the first stay.
            try await self.insertEvent(event)
            try await self.claim(new.claims, for: c.id)
            return record
        }
    }

    public func apply(_ change: CaseChange) async throws -> CaseRecord {
        try await transaction {
            let (c, event) = change.linked
            if let roles = change.actorRoles {
                let actor = try await self.query("SELECT * FROM users WHERE name = ?", [.text(event.actor)]).first.map(Self.user)
                guard let actor, actor.isEnabled, Set(actor.roles) == Set(roles) else { throw StoreSignal.versionConflict }
            }
            let updated = try await self.query(
                """
                UPDATE cases SET state = ?, previous_state = ?, state_entered_at = ?, version = ?, fields = ?,
                                 outcomes = ?, assignee = ?, due_at = ?, updated_by = ?, updated_at = ?, chain_head = ?,
                                 case_key = ?
                WHERE id = ? AND version = ?
                RETURNING id
                """,
                [.text(c.state), .optional(c.previousState), .micros(c.stateEnteredAt), .integer(c.version),
                 .text(JSONCoding.string(c.fields)), .text(JSONCoding.string(c.outcomes)), .optional(c.assignee),
                 .optional(c.dueAt), .text(c.updatedBy),
                 .micros(c.updatedAt), .optional(c.chainHead), .optional(c.caseKey), .uuid(c.id), .integer(change.expectedVersion)])
            guard !updated.isEmpty else { throw StoreSignal.versionConflict }
            // The history row's trigger closes the stay and opens the next when the case moves.
            try await self.insertEvent(event)
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

    /// Appends an event (its trigger keeps the stays up to date).
    private func insertEvent(_ e: EventRecord) async throws {
        // The database refuses any event colliding with one it holds (migration 7: nothing may replace history).
        // A key another request used first is the one collision a caller can meet: say so, under the write lock.
        if let key = e.idempotencyKey,
           !(try await query("SELECT 1 FROM case_events WHERE idempotency_key = ?", [.text(key)]).isEmpty) {
            throw StoreSignal.idempotencyKeyTaken(key)
        }
        _ = try await query(
            """
            INSERT INTO case_events (case_id, case_version, kind, transition, from_state, to_state, actor, role, reason,
                                     fields, at, idempotency_key, request_hash, chain)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.uuid(e.caseID), .integer(e.caseVersion), .text(e.kind.rawValue), .optional(e.transition),
             .optional(e.from), .optional(e.to), .text(e.actor), .optional(e.role?.rawValue), .optional(e.reason),
             .text(JSONCoding.string(e.fields)), .micros(e.at), .optional(e.idempotencyKey), .optional(e.requestHash),
             .optional(e.chain)])
    }

    /// The reads one at a time: right for an embedded store, where a read costs no round trip.
    public func context(_ query: ContextQuery) async throws -> RequestContext {
        let user = try await query.actor.asyncMap { try await readUser(named: $0) } ?? nil
        let earlier = try await query.idempotencyKey.asyncMap { try await readRequest(key: $0) } ?? nil
        let record = try await query.locator.asyncMap { try await readCase($0) } ?? nil
        let parentState = try await record?.parentID.asyncMap { try await readCase(.id($0))?.state } ?? nil
        let latest = try await record.asyncMap { try await readLatestActors(of: $0.id) } ?? [:]
        return RequestContext(user: user, earlier: earlier, record: record, parentState: parentState, latestActors: latest)
    }

    private func readCase(_ locator: CaseLocator) async throws -> CaseRecord? {
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
                let stored = StoredRow(row, table: "case_events", key: "seq \(row.column("seq")?.description ?? "?")")
                return EventRecord(
                    seq: Int64(try stored.integer("seq")), caseID: try stored.uuid("case_id"),
                    caseVersion: try stored.integer("case_version"),
                    kind: try stored.decoded(EventKind.self, try stored.text("kind"), "kind"),
                    transition: try stored.optionalText("transition"),
                    from: try stored.optionalText("from_state"), to: try stored.optionalText("to_state"),
                    actor: try stored.text("actor"),
                    role: try stored.optionalText("role").map { try stored.decoded(Role.self, $0, "role") },
                    reason: try stored.optionalText("reason"),
                    fields: try stored.json(FieldValues.self, "fields"), at: try stored.date("at"),
                    idempotencyKey: try stored.optionalText("idempotency_key"), requestHash: try stored.optionalText("request_hash"),
                    chain: try stored.optionalText("chain"))
            }
        }
    }

    private func readLatestActors(of caseID: UUID) async throws -> [String: String] {
        try await access.run {
            var actors: [String: String] = [:]
            // Oldest first: each transition ends with its latest actor.
            for row in try await self.query(
                "SELECT seq, transition, actor FROM case_events WHERE case_id = ? AND transition IS NOT NULL ORDER BY seq",
                [.uuid(caseID)]) {
                let stored = StoredRow(row, table: "case_events", key: "seq \(row.column("seq")?.description ?? "?")")
                actors[try stored.text("transition")] = try stored.text("actor")
            }
            return actors
        }
    }

    private func readRequest(key: String) async throws -> IdempotentRequest? {
        try await access.run {
            try await self.query("SELECT case_id, request_hash FROM case_events WHERE idempotency_key = ?", [.text(key)])
                .first.map { row in
                    let stored = StoredRow(row, table: "case_events", key: "idempotency_key \(key)")
                    return IdempotentRequest(caseID: try stored.uuid("case_id"), requestHash: try stored.text("request_hash"))
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
        // The field's stored JSON (`->` gives it as text) against the value's (`StoredForm`), as PostgreSQL does.
        for (field, value) in filter.fieldEquals {
            let path = SQLiteData.text(Self.jsonPath(field))
            switch StoredForm.match(value) {
            case .unset:
                sql += " AND coalesce(fields -> ?, 'null') = 'null'"
                binds.append(path)
            case .equals(let json):
                sql += " AND fields -> ? = ?"
                binds += [path, .text(json)]
            case .holds(let items):
                for item in items {
                    sql += " AND json_type(fields, ?) = 'array' AND EXISTS (SELECT 1 FROM json_each(fields, ?) AS item WHERE fields -> item.fullkey = ?)"
                    binds += [path, path, .text(item)]
                }
            }
        }
        for (field, prefix) in filter.fieldIndexed {
            sql += " AND substr(fields ->> ?, 1, length(?)) = ?"
            binds += [.text(Self.jsonPath(field)), .text(prefix), .text(prefix)]
        }
        sql += filter.order == .due ? " ORDER BY due_at IS NULL, due_at, created_at LIMIT ?" : " ORDER BY created_at, reference LIMIT ?"
        binds.append(.integer(filter.limit))
        let query = sql, arguments = binds
        return try await access.run { try await self.query(query, arguments).map(Self.caseRecord) }
    }

    /// Counts per state now, from the cases themselves.
    func currentStageCounts(workflow: String, by field: String?) async throws -> [StageCount] {
        try await access.run {
            if let field {
                return try await self.query(
                    "SELECT state, fields -> ? AS value, count(*) AS n FROM cases WHERE workflow = ? GROUP BY 1, 2",
                    [.text(Self.jsonPath(field)), .text(workflow)]
                ).map(Self.stageCount)
            }
            return try await self.query(
                "SELECT state, NULL AS value, count(*) AS n FROM cases WHERE workflow = ? GROUP BY state", [.text(workflow)]
            ).map(Self.stageCount)
        }
    }

    static func jsonPath(_ field: String) -> String { "$.\"\(field)\"" }

    /// A count per state, split by a field's stored JSON (`value`), keyed as `StoredForm` says.
    static func stageCount(_ row: SQLiteRow) throws -> StageCount {
        let stored = StoredRow(row, table: "cases", key: "(counted by state)")
        return StageCount(state: try stored.text("state"), value: try StoredForm.key(storedJSON: try stored.optionalText("value")),
                          count: try stored.integer("n"))
    }

    static func caseRecord(_ row: SQLiteRow) throws -> CaseRecord {
        let stored = StoredRow(row, table: "cases", key: caseKey(row))
        return CaseRecord(
            id: try stored.uuid("id"), reference: try stored.text("reference"), workflow: try stored.text("workflow"),
            definitionVersion: try stored.integer("definition_version"), state: try stored.text("state"),
            previousState: try stored.optionalText("previous_state"), stateEnteredAt: try stored.date("state_entered_at"),
            version: try stored.integer("version"), fields: try stored.json(FieldValues.self, "fields"),
            outcomes: try stored.json([String: Int].self, "outcomes"),
            parentID: try stored.optionalUUID("parent_id"), assignee: try stored.optionalText("assignee"),
            dueAt: try stored.optionalDate("due_at"), createdBy: try stored.text("created_by"), createdAt: try stored.date("created_at"),
            updatedBy: try stored.text("updated_by"), updatedAt: try stored.date("updated_at"),
            chainHead: try stored.optionalText("chain_head"), caseKey: try stored.optionalText("case_key"))
    }

    /// How a damaged case row is named: by its reference, else by its id as stored.
    static func caseKey(_ row: SQLiteRow) -> String {
        if case .text(let reference) = row.column("reference"), !reference.isEmpty { return reference }
        if case .text(let id) = row.column("id") { return "id \(id)" }
        return "(no reference or id)"
    }
}
