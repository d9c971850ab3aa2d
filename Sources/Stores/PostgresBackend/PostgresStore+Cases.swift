import Foundation
import PostgresNIO
import WorkflowEngine

extension PostgresStore {
    static let caseColumns = CaseColumns.list()

    public func insert(_ new: NewCase) async throws -> CaseRecord {
        let statement = InsertCase(new: new)
        guard let reference = try await rows(statement).first?.decode(String.self) else {
            throw WorkflowError(.unavailable, "the database returned no reference for a case it opened")
        }
        var record = statement.linked.record
        record.reference = reference
        return record
    }

    public func apply(_ change: CaseChange) async throws -> CaseRecord {
        let statement = ApplyChange(change: change)
        guard try await !rows(statement).isEmpty else { throw StoreSignal.versionConflict }
        return statement.linked.record
    }

    public func context(_ query: ContextQuery) async throws -> RequestContext {
        let found = switch query.locator {
        case .reference(let reference): try await rows(ReadContext.ByReference(query: query, reference: reference))
        case .id(let id): try await rows(ReadContext.ByID(query: query, id: id))
        case nil: try await rows(ReadContext.ByID(query: query, id: nil))
        }
        guard let row = found.first else { throw WorkflowError(.unavailable, "the database returned no row for a request's context") }
        let cell = Array(row)
        let caseStart = 5, after = caseStart + CaseColumns.names.count
        let users = StoredCells(cell, table: "users", key: "name \(query.actor ?? "")")
        let user = try users.value(0, as: [String]?.self).map {
            User(name: query.actor ?? "", roles: try $0.map { try users.decoded(Role.self, $0, column: 0) },
                 createdAt: try users.instant(1), createdBy: try users.value(2, as: String?.self),
                 disabledAt: try users.optionalInstant(after + 2))
        }
        let keyed = StoredCells(cell, table: "case_events", key: "idempotency_key \(query.idempotencyKey ?? "")")
        let earlier = try keyed.value(3, as: UUID?.self).map {
            IdempotentRequest(caseID: $0, requestHash: try keyed.value(4, as: String.self))
        }
        let record = try cell[caseStart].decode(UUID?.self) == nil ? nil : try Self.caseRecord(cell, from: caseStart)
        let latest = try cell[after + 1].decode(String?.self).map { try JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
        return RequestContext(user: user, earlier: earlier, record: record,
                              parentState: try cell[after].decode(String?.self), latestActors: latest ?? [:])
    }

    public func history(of caseID: UUID) async throws -> [EventRecord] {
        try await run { connection in
            var events: [EventRecord] = []
            let rows = try await connection.query(
                """
                SELECT seq, case_id, case_version, kind, transition, from_state, to_state, actor, role, reason,
                       fields::text, at, idempotency_key, request_hash, chain
                FROM case_events WHERE case_id = \(caseID) ORDER BY at, seq
                """, logger: logger)
            for try await row in rows {
                let cell = Array(row)
                let e = StoredCells(cell, table: "case_events", key: "seq \((try? cell[0].decode(Int64.self)).map(String.init) ?? "?")")
                events.append(EventRecord(
                    seq: try e.value(0, as: Int64.self), caseID: try e.value(1, as: UUID.self),
                    caseVersion: try e.value(2, as: Int.self),
                    kind: try e.decoded(EventKind.self, try e.value(3, as: String.self), column: 3),
                    transition: try e.value(4, as: String?.self), from: try e.value(5, as: String?.self),
                    to: try e.value(6, as: String?.self), actor: try e.value(7, as: String.self),
                    role: try e.value(8, as: String?.self).map { try e.decoded(Role.self, $0, column: 8) },
                    reason: try e.value(9, as: String?.self), fields: try e.json(10, as: FieldValues.self),
                    at: try e.instant(11), idempotencyKey: try e.value(12, as: String?.self),
                    requestHash: try e.value(13, as: String?.self), chain: try e.value(14, as: String?.self)))
            }
            return events
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
        // The field's stored JSON against the value's (`StoredForm`), as SQLite does.
        for (field, value) in filter.fieldEquals {
            let name = bind(field)
            switch StoredForm.match(value) {
            case .unset:
                sql += " AND coalesce(fields->\(name), 'null'::jsonb) = 'null'::jsonb"
            case .equals(let json):
                sql += " AND fields->\(name) = \(bind(json))::jsonb"
            case .holds(let items):
                for item in items {
                    sql += " AND jsonb_typeof(fields->\(name)) = 'array' AND fields->\(name) @> jsonb_build_array(\(bind(item))::jsonb)"
                }
            }
        }
        for (field, prefix) in filter.fieldIndexed {
            sql += " AND starts_with(fields->>\(bind(field)), \(bind(prefix)))"
        }
        // `due` follows the index on (workflow, state, due_at, created_at): read in order, never sorted.
        sql += filter.order == .due ? " ORDER BY due_at, created_at" : " ORDER BY created_at, reference"
        sql += " LIMIT \(bind(filter.limit))"
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        return try await run { connection in try await cases(query, on: connection) }
    }

    /// Counts per state now, from the cases themselves.
    func currentStageCounts(workflow: String, by field: String?) async throws -> [StageCount] {
        try await run { connection in
            if let field {
                return try await connection.query(
                    """
                    SELECT state, (fields->\(field))::text, count(*) FROM cases WHERE workflow = \(workflow)
                    GROUP BY 1, 2
                    """, logger: logger).decode((String, String?, Int).self).all()
                    .map { StageCount(state: $0, value: try StoredForm.key(storedJSON: $1), count: $2) }
            }
            if let counts = try await summarisedCounts(workflow: workflow, at: nil, on: connection) { return counts }
            return try await connection.query(
                "SELECT state, count(*) FROM cases WHERE workflow = \(workflow) GROUP BY state", logger: logger)
                .decode((String, Int).self).all()
                .map { StageCount(state: $0, value: nil, count: $1) }
        }
    }

    func cases(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [CaseRecord] {
        var records: [CaseRecord] = []
        for try await row in try await connection.query(query, logger: logger) {
            records.append(try Self.caseRecord(Array(row), from: 0))
        }
        return records
    }

    /// A case from `CaseColumns` starting at cell `start`.
    static func caseRecord(_ cell: [PostgresCell], from start: Int) throws -> CaseRecord {
        let key = (try? cell[start + 1].decode(String.self))
            ?? (try? cell[start].decode(UUID.self)).map { "id \($0.lowercasedString)" } ?? "(no reference or id)"
        let c = StoredCells(cell, table: "cases", key: key)
        var record = CaseRecord(
            id: try c.value(start, as: UUID.self), reference: try c.value(start + 1, as: String.self),
            workflow: try c.value(start + 2, as: String.self), definitionVersion: try c.value(start + 3, as: Int.self),
            state: try c.value(start + 4, as: String.self), previousState: try c.value(start + 5, as: String?.self),
            stateEnteredAt: try c.instant(start + 6), version: try c.value(start + 7, as: Int.self),
            fields: try c.json(start + 8, as: FieldValues.self),
            parentID: try c.value(start + 9, as: UUID?.self), assignee: try c.value(start + 10, as: String?.self),
            dueAt: try c.optionalInstant(start + 11), createdBy: try c.value(start + 12, as: String.self),
            createdAt: try c.instant(start + 13), updatedBy: try c.value(start + 14, as: String.self),
            updatedAt: try c.instant(start + 15), chainHead: try c.value(start + 17, as: String?.self),
            caseKey: try c.value(start + 18, as: String?.self))
        record.outcomes = try c.json(start + 16, as: [String: Int].self)
        return record
    }
}

/// A stored row being read (see `StoredRow` for SQLite): a cell that does not decode as the engine wrote it is damage,
/// named by table, key and column, never replaced by a plausible value.
struct StoredCells {
    let cells: [PostgresCell]
    let table: String
    let key: String

    init(_ cells: [PostgresCell], table: String, key: String) {
        self.cells = cells
        self.table = table
        self.key = key
    }

    func damaged(_ index: Int) -> WorkflowError { .damagedRow(table: table, key: key, column: cells[index].columnName) }

    func value<T: PostgresDecodable>(_ index: Int, as type: T.Type) throws -> T {
        do { return try cells[index].decode(T.self) } catch { throw damaged(index) }
    }

    /// An instant, as whole microseconds (see `PostgresInstant`).
    func instant(_ index: Int) throws -> Date { try value(index, as: PostgresInstant.self).date }

    func optionalInstant(_ index: Int) throws -> Date? { try value(index, as: PostgresInstant?.self)?.date }

    /// A JSON document sent as text (`fields::text`, `outcomes::text`).
    func json<T: Decodable>(_ index: Int, as type: T.Type) throws -> T {
        guard let value = try? JSONDecoder().decode(T.self, from: Data(try value(index, as: String.self).utf8)) else {
            throw damaged(index)
        }
        return value
    }

    /// A stored name of a closed set (an event kind, a role); an unknown one is damage.
    func decoded<T: RawRepresentable>(_ type: T.Type, _ raw: String, column index: Int) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: raw) else { throw damaged(index) }
        return value
    }
}
