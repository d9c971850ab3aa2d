import Foundation
import SQLiteNIO
import WorkflowEngine

/// Bulk import and streamed export for the embedded store.
///
/// An import is one `BEGIN IMMEDIATE` transaction: the file's write lock is held throughout, so the
/// event sequence numbers after the current last one are the import's to assign, and every opened
/// event and its stage interval share one `seq`. Rows go in as multi-row INSERTs.
extension SQLiteStore {
    /// Bound parameters per statement, under SQLite's limit of 32766.
    private static let bindsPerStatement = 30_000
    private static let exportPage = 1_000

    public func takenClaims(_ claims: [UniqueClaim]) async throws -> [UniqueClaim: String] {
        guard !claims.isEmpty else { return [:] }
        return try await access.run {
            var taken: [UniqueClaim: String] = [:]
            let perStatement = Self.bindsPerStatement / 3
            for start in stride(from: 0, to: claims.count, by: perStatement) {
                let chunk = claims[start..<min(start + perStatement, claims.count)]
                let rows = try await self.query(
                    """
                    WITH wanted (workflow, field, value) AS (VALUES \(Self.placeholders(columns: 3, rows: chunk.count)))
                    SELECT u.workflow, u.field, u.value, c.reference
                    FROM wanted w JOIN case_unique_values u ON u.workflow = w.workflow AND u.field = w.field AND u.value = w.value
                    JOIN cases c ON c.id = u.case_id
                    """, chunk.flatMap { [SQLiteData.text($0.workflow), .text($0.field), .text($0.value)] })
                for row in rows {
                    let claim = UniqueClaim(workflow: row.string("workflow"), field: row.string("field"), value: .string(row.string("value")))
                    taken[claim] = row.string("reference")
                }
            }
            return taken
        }
    }

    public func importCases(
        _ plan: BulkImportPlan, next: @escaping @Sendable () async throws -> [NewCase]?
    ) async throws -> [ReferenceBlock] {
        try await transaction {
            // The transaction holds the file's write lock: no other import can commit between this check and the end.
            if let record = plan.record, !record.again,
               let earlier = try await self.readImports(workflow: record.workflow, sha256: record.sha256, idempotencyKey: nil).first {
                throw ImportRepeated(earlier: earlier)
            }
            let blocks = try await self.reserveReferences(plan)
            var allocator = ReferenceAllocator(blocks)
            var seq = try await self.query(
                """
                SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'case_events'), 0),
                           coalesce((SELECT max(seq) FROM case_events), 0)) AS seq
                """).first?.int("seq") ?? 0
            while let batch = try await next() {
                var cases: [[SQLiteData]] = [], events: [[SQLiteData]] = [], claims: [[SQLiteData]] = []
                for new in batch {
                    let (c, e) = (new.record, new.event)
                    seq += 1
                    let fields = BulkJSON.string(c.fields)
                    cases.append([
                        .uuid(c.id), .text(try allocator.reference(year: new.referenceYear)), .text(c.workflow),
                        .integer(c.definitionVersion), .text(c.state), .micros(c.stateEnteredAt), .integer(c.version), .text(fields),
                        c.parentID.map(SQLiteData.uuid) ?? .null, .optional(c.dueAt), .text(c.createdBy), .micros(c.createdAt),
                        .text(c.updatedBy), .micros(c.updatedAt), .optional(c.chainHead), .optional(c.caseKey),
                    ])
                    events.append([
                        .integer(seq), .uuid(c.id), .integer(e.caseVersion), .text(e.kind.rawValue), .optional(e.to), .text(e.actor),
                        .optional(e.role?.rawValue), .text(new.eventFieldsJSON ?? BulkJSON.string(e.fields)), .micros(e.at),
                        .optional(e.chain),
                    ])
                    claims += new.claims.map { [.text($0.workflow), .text($0.field), .text($0.value), .uuid(c.id)] }
                }
                try await self.insertRows("cases", [
                    "id", "reference", "workflow", "definition_version", "state", "state_entered_at", "version", "fields",
                    "parent_id", "due_at", "created_by", "created_at", "updated_by", "updated_at", "chain_head", "case_key",
                ], cases)
                // Each opened event's trigger opens the case's first stay.
                try await self.insertRows("case_events", ["seq", "case_id", "case_version", "kind", "to_state", "actor", "role", "fields", "at", "chain"], events)
                try await self.insertRows("case_unique_values", ["workflow", "field", "value", "case_id"], claims)
            }
            try allocator.checkAllUsed()
            if let record = plan.record?.with(blocks) {
                _ = try await self.query(
                    """
                    INSERT INTO imports (workflow, sha256, file, row_count, actor, imported_at, again, idempotency_key, reference_prefix, reference_blocks)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.text(record.workflow), .text(record.sha256), .text(record.file), .integer(record.rows), .text(record.actor),
                          .micros(record.at), .integer(record.again ? 1 : 0), .optional(record.idempotencyKey),
                          .text(plan.referencePrefix), .text(record.referencesText)])
            }
            return blocks
        }
    }

    public func earlierImports(workflow: String, sha256: String, idempotencyKey: String?) async throws -> [ImportRecord] {
        try await access.run { try await self.readImports(workflow: workflow, sha256: sha256, idempotencyKey: idempotencyKey) }
    }

    private func readImports(workflow: String, sha256: String, idempotencyKey: String?) async throws -> [ImportRecord] {
        let rows = try await query(
            """
            SELECT workflow, sha256, file, row_count, actor, imported_at, again, idempotency_key, reference_prefix, reference_blocks
            FROM imports WHERE (workflow = ? AND sha256 = ?) OR idempotency_key = ? ORDER BY id
            """, [.text(workflow), .text(sha256), .optional(idempotencyKey)])
        return try rows.map { row in
            guard let at = row.optionalDate("imported_at"), let count = row.column("row_count")?.integer,
                  let references = ImportRecord.references(prefix: row.string("reference_prefix"), text: row.string("reference_blocks"))
            else { throw WorkflowError(.unavailable, "imports: a row of \(row.string("file")) cannot be read (SQLite \(path))") }
            return ImportRecord(workflow: row.string("workflow"), sha256: row.string("sha256"), file: row.string("file"), rows: count,
                                actor: row.string("actor"), at: at, again: row.int("again") != 0,
                                idempotencyKey: row.optionalString("idempotency_key"), references: references)
        }
    }

    /// Reserves each year's block of reference numbers.
    private func reserveReferences(_ plan: BulkImportPlan) async throws -> [ReferenceBlock] {
        var blocks: [ReferenceBlock] = []
        for (year, count) in plan.casesPerYear.sorted(by: { $0.key < $1.key }) where count > 0 {
            let last = try await query(
                """
                INSERT INTO reference_counters (prefix, year, last_number) VALUES (?, ?, ?)
                ON CONFLICT (prefix, year) DO UPDATE SET last_number = reference_counters.last_number + excluded.last_number
                RETURNING last_number
                """, [.text(plan.referencePrefix), .integer(year), .integer(count)]).first?.int("last_number") ?? count
            blocks.append(ReferenceBlock(prefix: plan.referencePrefix, year: year, first: last - count + 1, last: last))
        }
        return blocks
    }

    /// Inserts rows with as few statements as SQLite's bound-parameter limit allows.
    private func insertRows(_ table: String, _ columns: [String], _ rows: [[SQLiteData]]) async throws {
        let perStatement = max(1, Self.bindsPerStatement / columns.count)
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            _ = try await query(
                "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES \(Self.placeholders(columns: columns.count, rows: chunk.count))",
                chunk.flatMap { $0 })
            start += perStatement
        }
    }

    private static func placeholders(columns: Int, rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return Array(repeating: row, count: rows).joined(separator: ", ")
    }

    public func exportCases(workflow: String, asOf: Date?, _ each: @escaping @Sendable (ExportedCase) async throws -> Void) async throws {
        let state = asOf == nil ? "c.state" : "s.state"
        let join = asOf == nil ? "" : "JOIN stage_intervals s ON s.case_id = c.id AND s.entered_at < ? AND (s.left_at IS NULL OR s.left_at >= ?)"
        let bounds: [SQLiteData] = asOf.map { [.micros($0), .micros($0)] } ?? []
        try await access.run {
            // One statement takes the snapshot, sorted once into a temporary table (on disk, not in memory);
            // the pages are then read from it by rowid, each in time proportional to its size.
            _ = try await self.query("DROP TABLE IF EXISTS temp.rso_export")
            _ = try await self.query(
                """
                CREATE TEMP TABLE rso_export AS
                SELECT c.id, c.reference, \(state) AS state, c.created_at, p.reference AS parent_reference, c.fields, c.case_key
                FROM cases c \(join) LEFT JOIN cases p ON p.id = c.parent_id
                WHERE c.workflow = ?
                ORDER BY c.created_at, c.reference
                """, bounds + [.text(workflow)])
            do {
                var after = 0
                while true {
                    let rows = try await self.query(
                        "SELECT rowid, * FROM temp.rso_export WHERE rowid > ? ORDER BY rowid LIMIT \(Self.exportPage)", [.integer(after)])
                    for row in rows {
                        let stored = StoredRow(row, table: "cases", key: Self.caseKey(row))
                        try await each(ExportedCase(
                            id: try stored.uuid("id"), reference: try stored.text("reference"), state: try stored.text("state"),
                            openedAt: try stored.date("created_at"), parentReference: try stored.optionalText("parent_reference"),
                            fields: try stored.json(FieldValues.self, "fields"), caseKey: try stored.optionalText("case_key")))
                    }
                    guard rows.count == Self.exportPage, let last = rows.last else { break }
                    after = last.int("rowid")
                }
                _ = try await self.query("DROP TABLE temp.rso_export")
            } catch {
                _ = try? await self.query("DROP TABLE temp.rso_export")
                throw error
            }
        }
    }
}
