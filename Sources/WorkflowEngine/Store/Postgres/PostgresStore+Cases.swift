import Foundation
import PostgresNIO

extension PostgresStore {
    static let caseColumns = """
        id, reference, workflow, definition_version, state, previous_state, state_entered_at, version,
        fields::text, parent_id, assignee, due_at, created_by, created_at, updated_by, updated_at, outcomes::text
        """

    public func insert(_ new: NewCase) async throws -> CaseRecord {
        let c = new.record
        let e = new.event
        let fields = JSONCoding.string(c.fields)
        // Counter, case and opened event in one statement: one transaction, one round trip.
        let query: PostgresQuery = """
            WITH counter AS (
                INSERT INTO reference_counters (prefix, year, last_number) VALUES (\(new.referencePrefix), \(new.referenceYear), 1)
                ON CONFLICT (prefix, year) DO UPDATE SET last_number = reference_counters.last_number + 1
                RETURNING last_number),
            inserted AS (
                INSERT INTO cases (id, reference, workflow, definition_version, state, previous_state, state_entered_at,
                                   version, fields, parent_id, assignee, due_at, created_by, created_at, updated_by, updated_at)
                SELECT \(c.id), \(new.referencePrefix) || '-' || \(String(new.referenceYear)) || '-' || lpad(last_number::text, 6, '0'),
                       \(c.workflow), \(c.definitionVersion), \(c.state), \(c.previousState), \(c.stateEnteredAt),
                       \(c.version), \(fields)::jsonb, \(c.parentID), \(c.assignee), \(c.dueAt),
                       \(c.createdBy), \(c.createdAt), \(c.updatedBy), \(c.updatedAt)
                FROM counter
                RETURNING id, reference),
            event AS (
                INSERT INTO case_events (case_id, case_version, kind, to_state, actor, role, reason, fields, at,
                                         idempotency_key, request_hash)
                SELECT id, \(e.caseVersion), \(e.kind.rawValue), \(e.to), \(e.actor), \(e.role?.rawValue), \(e.reason),
                       \(fields)::jsonb, \(e.at), \(e.idempotencyKey), \(e.requestHash)
                FROM inserted
                RETURNING seq),
            claimed AS (
                INSERT INTO case_unique_values (workflow, field, value, case_id)
                SELECT \(c.workflow), claim.field, claim.value, id
                FROM inserted, unnest(\(new.claims.map(\.field))::text[], \(new.claims.map(\.value))::text[]) AS claim (field, value)
                RETURNING case_id),
            interval AS (
                INSERT INTO stage_intervals (case_id, workflow, state, entered_at, entered_seq)
                SELECT id, \(c.workflow), \(c.state), \(c.stateEnteredAt), seq FROM inserted, event
                RETURNING case_id)
            SELECT reference FROM inserted, event
            """
        return try await run {
            let reference = try await client.query(query, logger: logger).collect().first?.decode(String.self)
            var record = c
            record.reference = reference ?? ""
            return record
        }
    }

    public func apply(_ change: CaseChange) async throws -> CaseRecord {
        let c = change.record
        let e = change.event
        // Only the changed fields travel: the stored document is patched, never re-sent whole.
        let set = JSONCoding.string(e.fields.filter { $0.value != .null })
        let cleared = e.fields.filter { $0.value == .null }.map(\.key)
        let payload = JSONCoding.string(e.fields)
        let query: PostgresQuery = """
            WITH updated AS (
                UPDATE cases SET state = \(c.state), previous_state = \(c.previousState),
                    state_entered_at = \(c.stateEnteredAt), version = \(c.version),
                    fields = (fields || \(set)::jsonb) - \(cleared)::text[], outcomes = \(JSONCoding.string(c.outcomes))::jsonb,
                    assignee = \(c.assignee), due_at = \(c.dueAt), updated_by = \(c.updatedBy), updated_at = \(c.updatedAt)
                WHERE id = \(c.id) AND version = \(change.expectedVersion)
                RETURNING id),
            event AS (
                INSERT INTO case_events (case_id, case_version, kind, transition, from_state, to_state, actor, role,
                                         reason, fields, at, idempotency_key, request_hash)
                SELECT id, \(e.caseVersion), \(e.kind.rawValue), \(e.transition), \(e.from), \(e.to), \(e.actor),
                       \(e.role?.rawValue), \(e.reason), \(payload)::jsonb, \(e.at), \(e.idempotencyKey), \(e.requestHash)
                FROM updated
                RETURNING seq),
            released AS (
                DELETE FROM case_unique_values
                WHERE case_id IN (SELECT id FROM updated) AND field = ANY(\(change.releases)::text[])
                RETURNING case_id),
            claimed AS (
                INSERT INTO case_unique_values (workflow, field, value, case_id)
                SELECT \(c.workflow), claim.field, claim.value, id
                FROM updated, unnest(\(change.claims.map(\.field))::text[], \(change.claims.map(\.value))::text[]) AS claim (field, value)
                RETURNING case_id),
            left_stage AS (
                UPDATE stage_intervals SET left_at = \(e.at)
                WHERE \(change.movesState) AND case_id IN (SELECT id FROM updated) AND left_at IS NULL
                RETURNING case_id),
            entered_stage AS (
                INSERT INTO stage_intervals (case_id, workflow, state, entered_at, entered_seq)
                SELECT id, \(c.workflow), \(c.state), \(e.at), seq FROM updated, event WHERE \(change.movesState)
                RETURNING case_id)
            SELECT seq FROM event
            """
        return try await run {
            let rows = try await client.query(query, logger: logger).collect()
            guard !rows.isEmpty else { throw StoreSignal.versionConflict }
            return c
        }
    }

    public func findCase(_ locator: CaseLocator) async throws -> CaseRecord? {
        let query: PostgresQuery
        switch locator {
        case .id(let id):
            query = "SELECT \(unescaped: Self.caseColumns) FROM cases WHERE id = \(id)"
        case .reference(let reference):
            query = "SELECT \(unescaped: Self.caseColumns) FROM cases WHERE reference = \(reference)"
        }
        return try await run { try await cases(query).first }
    }

    public func history(of caseID: UUID) async throws -> [EventRecord] {
        try await run {
            var events: [EventRecord] = []
            let rows = try await client.query(
                """
                SELECT seq, case_id, case_version, kind, transition, from_state, to_state, actor, role, reason,
                       fields::text, at, idempotency_key, request_hash
                FROM case_events WHERE case_id = \(caseID) ORDER BY at, seq
                """, logger: logger)
            for try await row in rows {
                let cell = Array(row)
                events.append(EventRecord(
                    seq: try cell[0].decode(Int64.self), caseID: try cell[1].decode(UUID.self),
                    caseVersion: try cell[2].decode(Int.self),
                    kind: EventKind(rawValue: try cell[3].decode(String.self)) ?? .note,
                    transition: try cell[4].decode(String?.self), from: try cell[5].decode(String?.self),
                    to: try cell[6].decode(String?.self), actor: try cell[7].decode(String.self),
                    role: try cell[8].decode(String?.self).flatMap(Role.init(rawValue:)),
                    reason: try cell[9].decode(String?.self),
                    fields: try JSONCoding.fields(from: cell[10].decode(String.self)),
                    at: try cell[11].decode(Date.self), idempotencyKey: try cell[12].decode(String?.self),
                    requestHash: try cell[13].decode(String?.self)))
            }
            return events
        }
    }

    public func latestActors(of caseID: UUID, transitions: [String]) async throws -> [String: String] {
        try await run {
            var actors: [String: String] = [:]
            let rows = try await client.query(
                """
                SELECT DISTINCT ON (transition) transition, actor FROM case_events
                WHERE case_id = \(caseID) AND transition = ANY(\(transitions))
                ORDER BY transition, seq DESC
                """, logger: logger).decode((String, String).self)
            for try await (transition, actor) in rows { actors[transition] = actor }
            return actors
        }
    }

    public func idempotentRequest(key: String) async throws -> IdempotentRequest? {
        try await run {
            try await client.query(
                "SELECT case_id, request_hash FROM case_events WHERE idempotency_key = \(key)", logger: logger)
                .decode((UUID, String?).self).all().first
                .map { IdempotentRequest(caseID: $0, requestHash: $1 ?? "") }
        }
    }

    public func listCases(_ filter: CaseQuery) async throws -> [CaseRecord] {
        var sql = "SELECT \(Self.caseColumns) FROM cases WHERE true"
        var bindings = PostgresBindings()
        func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
            bindings.append(value)
            return "$\(bindings.count)"
        }
        if let workflow = filter.workflow { sql += " AND workflow = \(bind(workflow))" }
        if let state = filter.state { sql += " AND state = \(bind(state))" }
        if let parent = filter.parentID { sql += " AND parent_id = \(bind(parent))" }
        if let at = filter.overdueAt { sql += " AND due_at < \(bind(at))" }
        for (field, value) in filter.fieldEquals {
            let name = bind(field), text = bind(value)
            sql += " AND (fields->>\(name) = \(text) OR fields->\(name) @> jsonb_build_array(\(text)::text))"
        }
        sql += " ORDER BY created_at, reference LIMIT \(bind(filter.limit))"
        return try await run { try await cases(PostgresQuery(unsafeSQL: sql, binds: bindings)) }
    }

    public func stageCounts(workflow: String, by field: String?) async throws -> [StageCount] {
        try await run {
            if let field {
                return try await client.query(
                    """
                    SELECT state, fields->>\(field), count(*) FROM cases WHERE workflow = \(workflow)
                    GROUP BY 1, 2
                    """, logger: logger).decode((String, String?, Int).self).all()
                    .map { StageCount(state: $0, value: $1, count: $2) }
            }
            return try await client.query(
                "SELECT state, count(*) FROM cases WHERE workflow = \(workflow) GROUP BY state", logger: logger)
                .decode((String, Int).self).all()
                .map { StageCount(state: $0, value: nil, count: $1) }
        }
    }

    public func holder(of claim: UniqueClaim) async throws -> CaseRecord? {
        try await run {
            try await cases("""
                SELECT \(unescaped: Self.caseColumns) FROM cases WHERE id = (
                    SELECT case_id FROM case_unique_values
                    WHERE workflow = \(claim.workflow) AND field = \(claim.field) AND value = \(claim.value))
                """).first
        }
    }

    func cases(_ query: PostgresQuery) async throws -> [CaseRecord] {
        var records: [CaseRecord] = []
        for try await row in try await client.query(query, logger: logger) {
            let cell = Array(row)
            records.append(CaseRecord(
                id: try cell[0].decode(UUID.self), reference: try cell[1].decode(String.self),
                workflow: try cell[2].decode(String.self), definitionVersion: try cell[3].decode(Int.self),
                state: try cell[4].decode(String.self), previousState: try cell[5].decode(String?.self),
                stateEnteredAt: try cell[6].decode(Date.self), version: try cell[7].decode(Int.self),
                fields: try JSONCoding.fields(from: cell[8].decode(String.self)),
                parentID: try cell[9].decode(UUID?.self), assignee: try cell[10].decode(String?.self),
                dueAt: try cell[11].decode(Date?.self), createdBy: try cell[12].decode(String.self),
                createdAt: try cell[13].decode(Date.self), updatedBy: try cell[14].decode(String.self),
                updatedAt: try cell[15].decode(Date.self)))
            records[records.count - 1].outcomes = try JSONDecoder().decode([String: Int].self, from: Data(cell[16].decode(String.self).utf8))
        }
        return records
    }
}
