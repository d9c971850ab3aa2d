import Foundation
import PostgresNIO

extension PostgresStore {
    static let caseColumns = CaseColumns.list()

    public func insert(_ new: NewCase) async throws -> CaseRecord {
        let reference = try await rows(InsertCase(new: new)).first?.decode(String.self)
        var record = new.record
        record.reference = reference ?? ""
        return record
    }

    public func apply(_ change: CaseChange) async throws -> CaseRecord {
        guard try await !rows(ApplyChange(change: change)).isEmpty else { throw StoreSignal.versionConflict }
        return change.record
    }

    public func context(_ query: ContextQuery) async throws -> RequestContext {
        let found = switch query.locator {
        case .reference(let reference): try await rows(ReadContext.ByReference(query: query, reference: reference))
        case .id(let id): try await rows(ReadContext.ByID(query: query, id: id))
        case nil: try await rows(ReadContext.ByID(query: query, id: nil))
        }
        guard let row = found.first else { throw WorkflowError(.unavailable, "the database returned no row for a request's context") }
        let cell = Array(row)
        let user = try cell[0].decode([String]?.self).map {
            User(name: query.actor, roles: $0.compactMap(Role.init(rawValue:)),
                 createdAt: try cell[1].decode(Date.self), createdBy: try cell[2].decode(String?.self))
        }
        let earlier = try cell[3].decode(UUID?.self).map { IdempotentRequest(caseID: $0, requestHash: try cell[4].decode(String?.self) ?? "") }
        let caseStart = 5, after = caseStart + CaseColumns.names.count
        let record = try cell[caseStart].decode(UUID?.self) == nil ? nil : try Self.caseRecord(cell, from: caseStart)
        let latest = try cell[after + 1].decode(String?.self).map { try JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
        return RequestContext(user: user, earlier: earlier, record: record,
                              parentState: try cell[after].decode(String?.self), latestActors: latest ?? [:])
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

    public func latestActors(of caseID: UUID) async throws -> [String: String] {
        try await run {
            var actors: [String: String] = [:]
            let rows = try await client.query(
                """
                SELECT DISTINCT ON (transition) transition, actor FROM case_events
                WHERE case_id = \(caseID) AND transition IS NOT NULL
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
            if let counts = try await summarisedCounts(workflow: workflow, at: nil) { return counts }
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
            records.append(try Self.caseRecord(Array(row), from: 0))
        }
        return records
    }

    /// A case from `CaseColumns` starting at cell `start`.
    static func caseRecord(_ cell: [PostgresCell], from start: Int) throws -> CaseRecord {
        var record = CaseRecord(
            id: try cell[start].decode(UUID.self), reference: try cell[start + 1].decode(String.self),
            workflow: try cell[start + 2].decode(String.self), definitionVersion: try cell[start + 3].decode(Int.self),
            state: try cell[start + 4].decode(String.self), previousState: try cell[start + 5].decode(String?.self),
            stateEnteredAt: try cell[start + 6].decode(Date.self), version: try cell[start + 7].decode(Int.self),
            fields: try JSONCoding.fields(from: cell[start + 8].decode(String.self)),
            parentID: try cell[start + 9].decode(UUID?.self), assignee: try cell[start + 10].decode(String?.self),
            dueAt: try cell[start + 11].decode(Date?.self), createdBy: try cell[start + 12].decode(String.self),
            createdAt: try cell[start + 13].decode(Date.self), updatedBy: try cell[start + 14].decode(String.self),
            updatedAt: try cell[start + 15].decode(Date.self))
        record.outcomes = try JSONDecoder().decode([String: Int].self, from: Data(cell[start + 16].decode(String.self).utf8))
        return record
    }
}
