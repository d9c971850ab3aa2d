import Foundation
import NIOCore
import PostgresNIO
import WorkflowEngine

/// Bulk import with COPY, and streamed export, for PostgreSQL.
///
/// An import is one transaction on one connection: the reference blocks are reserved first (one
/// statement); then each batch is copied into `cases`, `case_events` (whose `seq` PostgreSQL assigns)
/// and `case_unique_values`, and its stage intervals are inserted from its opened events, so that
/// each interval carries its event's `seq`. While one batch is written, the following ones are read,
/// checked, sealed and encoded (`pipelined`).
extension PostgresStore {
    static let bulkCaseColumns = [
        "id", "reference", "workflow", "definition_version", "state", "state_entered_at", "version", "fields",
        "parent_id", "due_at", "created_by", "created_at", "updated_by", "updated_at", "chain_head", "case_key",
    ]
    static let bulkEventColumns = ["case_id", "case_version", "kind", "to_state", "actor", "role", "fields", "at", "chain"]
    /// How many encoded batches (of `ImportFeed.batchSize` cases, a few MB each) may wait while one is written.
    static let batchesAhead = 1

    public func takenClaims(_ claims: [UniqueClaim]) async throws -> [UniqueClaim: String] {
        guard !claims.isEmpty else { return [:] }
        return try await run { connection in
            var taken: [UniqueClaim: String] = [:]
            let rows = try await connection.query(
                """
                SELECT u.workflow, u.field, u.value, c.reference
                FROM case_unique_values u JOIN cases c ON c.id = u.case_id
                WHERE (u.workflow, u.field, u.value) IN (
                    SELECT * FROM unnest(\(claims.map(\.workflow))::text[], \(claims.map(\.field))::text[], \(claims.map(\.value))::text[]))
                """, logger: logger).decode((String, String, String, String).self)
            for try await (workflow, field, value, reference) in rows {
                taken[UniqueClaim(workflow: workflow, field: field, value: .string(value))] = reference
            }
            return taken
        }
    }

    public func importCases(
        _ plan: BulkImportPlan, next: @escaping @Sendable () async throws -> [NewCase]?
    ) async throws -> [ReferenceBlock] {
        try await run { connection in
            try await connection.withTransaction(logger: logger) { connection in
                if let record = plan.record { try await checkRepeated(record, on: connection) }
                let blocks = try await reserveReferences(plan, on: connection)
                let first = ReferenceAllocator(blocks)
                var allocator = first
                // The writer runs on the connection's event loop: a statement's answer resumes it at once, rather than
                // after the checking and sealing work queued on the shared pool (which made the database wait).
                try await withTaskExecutorPreference(EventLoopTaskExecutor(connection.eventLoop)) {
                    try await pipelined(ahead: Self.batchesAhead) { previous in
                        try await EncodedBatch.next(from: next, allocator: previous?.allocator ?? first)
                    } consume: { batch in
                        try await write(batch, workflow: plan.workflow, on: connection)
                        allocator = batch.allocator
                    }
                }
                try allocator.checkAllUsed()
                if let record = plan.record { try await insert(record.with(blocks), prefix: plan.referencePrefix, on: connection) }
                return blocks
            }
        }
    }

    public func earlierImports(workflow: String, sha256: String, idempotencyKey: String?) async throws -> [ImportRecord] {
        try await run { connection in
            try await Self.earlierImports(workflow: workflow, sha256: sha256, idempotencyKey: idempotencyKey) { query in
                try await connection.query(query, logger: logger)
            }
        }
    }

    /// Imports of one workflow take turns (they would wait on its reference counters anyway), so that the check
    /// for an earlier import of the same file sees every one committed before it.
    private func checkRepeated(_ record: ImportRecord, on connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\("rso import " + record.workflow), 0))", logger: logger)
        guard !record.again else { return }
        let earlier = try await Self.earlierImports(workflow: record.workflow, sha256: record.sha256, idempotencyKey: nil) { query in
            try await connection.query(query, logger: logger)
        }
        if let first = earlier.first { throw ImportRepeated(earlier: first) }
    }

    private func insert(_ record: ImportRecord, prefix: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO imports (workflow, sha256, file, row_count, actor, imported_at, again, idempotency_key, reference_prefix, reference_blocks)
            VALUES (\(record.workflow), \(record.sha256), \(record.file), \(record.rows), \(record.actor), \(record.at), \(record.again),
                    \(record.idempotencyKey), \(prefix), \(record.referencesText))
            """, logger: logger)
    }

    private static func earlierImports(
        workflow: String, sha256: String, idempotencyKey: String?, _ run: (PostgresQuery) async throws -> PostgresRowSequence
    ) async throws -> [ImportRecord] {
        let rows = try await run(
            """
            SELECT workflow, sha256, file, row_count, actor, imported_at, again, idempotency_key, reference_prefix, reference_blocks
            FROM imports WHERE (workflow = \(workflow) AND sha256 = \(sha256)) OR idempotency_key = \(idempotencyKey) ORDER BY id
            """).decode((String, String, String, Int, String, PostgresInstant, Bool, String?, String, String).self)
        var records: [ImportRecord] = []
        for try await (workflow, sha256, file, count, actor, instant, again, key, prefix, blocks) in rows {
            let at = instant.date
            guard let references = ImportRecord.references(prefix: prefix, text: blocks) else {
                throw WorkflowError(.unavailable, "imports: the row of \(file) (\(at.iso8601)) has unreadable reference_blocks")
            }
            records.append(ImportRecord(workflow: workflow, sha256: sha256, file: file, rows: count, actor: actor, at: at,
                                        again: again, idempotencyKey: key, references: references))
        }
        return records
    }

    /// Reserves each year's block of reference numbers with one statement.
    private func reserveReferences(_ plan: BulkImportPlan, on connection: PostgresConnection) async throws -> [ReferenceBlock] {
        let years = plan.casesPerYear.keys.sorted()
        guard !years.isEmpty else { return [] }
        let counts = years.map { plan.casesPerYear[$0] ?? 0 }
        let rows = try await connection.query(
            """
            INSERT INTO reference_counters (prefix, year, last_number)
            SELECT \(plan.referencePrefix), year, count FROM unnest(\(years)::integer[], \(counts)::integer[]) AS block (year, count)
            ON CONFLICT (prefix, year) DO UPDATE SET last_number = reference_counters.last_number + excluded.last_number
            RETURNING year, last_number
            """, logger: logger).decode((Int, Int).self)
        var blocks: [ReferenceBlock] = []
        for try await (year, last) in rows {
            let count = plan.casesPerYear[year] ?? 0
            blocks.append(ReferenceBlock(prefix: plan.referencePrefix, year: year, first: last - count + 1, last: last))
        }
        return blocks.sorted { $0.year < $1.year }
    }

    /// Writes one encoded batch: three COPYs, then the stage intervals from the opened events.
    private func write(_ batch: EncodedBatch, workflow: String, on connection: PostgresConnection) async throws {
        try await connection.copyFrom(table: "cases", columns: Self.bulkCaseColumns, logger: logger) { try await $0.write(batch.cases.buffer) }
        try await connection.copyFrom(table: "case_events", columns: Self.bulkEventColumns, logger: logger) { try await $0.write(batch.events.buffer) }
        if batch.claims.rows > 0 {
            try await connection.copyFrom(table: "case_unique_values", columns: ["workflow", "field", "value", "case_id"], logger: logger) {
                try await $0.write(batch.claims.buffer)
            }
        }
        try await connection.query(
            """
            INSERT INTO stage_intervals (case_id, workflow, state, entered_at, entered_seq, reached_ms)
            SELECT case_id, \(workflow), to_state, at, seq, 0 FROM case_events
            WHERE case_id = ANY(\(batch.ids)::uuid[]) AND case_version = 1
            """, logger: logger)
        try await connection.query(
            """
            DELETE FROM stage_summaries WHERE workflow = \(workflow) AND (
                SELECT min(at) FROM case_events WHERE case_id = ANY(\(batch.ids)::uuid[]) AND case_version = 1
            ) \(unescaped: Self.backDated)
            """, logger: logger)
    }

    public func exportCases(workflow: String, asOf: Date?, _ each: @escaping @Sendable (ExportedCase) async throws -> Void) async throws {
        let query: PostgresQuery
        if let asOf {
            query = """
                DECLARE rso_export NO SCROLL CURSOR FOR
                SELECT c.id, c.reference, s.state, c.created_at, p.reference, c.fields::text, c.case_key
                FROM cases c
                JOIN stage_intervals s ON s.case_id = c.id AND s.entered_at < \(asOf) AND (s.left_at IS NULL OR s.left_at >= \(asOf))
                LEFT JOIN cases p ON p.id = c.parent_id
                WHERE c.workflow = \(workflow)
                ORDER BY c.created_at, c.reference
                """
        } else {
            query = """
                DECLARE rso_export NO SCROLL CURSOR FOR
                SELECT c.id, c.reference, c.state, c.created_at, p.reference, c.fields::text, c.case_key
                FROM cases c LEFT JOIN cases p ON p.id = c.parent_id
                WHERE c.workflow = \(workflow)
                ORDER BY c.created_at, c.reference
                """
        }
        try await run { connection in
            // One snapshot (a read-only repeatable-read transaction) read through a cursor a page at a time: memory
            // stays flat, and each page's rows are taken off the connection before a slow consumer (an HTTP client)
            // sees any. A row stream left waiting for such a consumer crashed the process when the server closed the
            // connection (PostgresNIO's RowStreamStateMachine: "How can we receive a body part, after a
            // channelReadComplete, but no read has been forwarded yet"; docs/postgresnio-memory.md).
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                try await connection.query(query, logger: logger)
                while true {
                    var page: [ExportedCase] = []
                    let rows = try await connection.query("FETCH \(unescaped: String(Self.exportPage)) FROM rso_export", logger: logger)
                    for try await (id, reference, state, openedAt, parent, fields, caseKey)
                        in rows.decode((UUID, String, String, PostgresInstant, String?, String, String?).self) {
                        page.append(ExportedCase(id: id, reference: reference, state: state, openedAt: openedAt.date,
                                                 parentReference: parent, fields: try JSONCoding.fields(from: fields), caseKey: caseKey))
                    }
                    for exported in page { try await each(exported) }
                    if page.count < Self.exportPage { break }
                }
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Cases fetched at a time by an export.
    static let exportPage = 1_000
}

/// One batch of cases in COPY's text format, with the references they were given.
struct EncodedBatch: Sendable {
    var cases: CopyText
    var events: CopyText
    var claims = CopyText(capacity: 0)
    var ids: [UUID] = []
    var allocator: ReferenceAllocator

    /// The next batch from `next`, encoded, or `nil` after the last. References are given in order; the rows are
    /// encoded on every core (the one writer's encoding was the import's slowest step) and joined in order.
    static func next(from next: @Sendable () async throws -> [NewCase]?, allocator: ReferenceAllocator) async throws -> EncodedBatch? {
        guard let cases = try await next(), !cases.isEmpty else { return nil }
        var allocator = allocator
        var numbered: [(new: NewCase, reference: String)] = []
        numbered.reserveCapacity(cases.count)
        for new in cases { numbered.append((new, try allocator.reference(year: new.referenceYear))) }
        let after = allocator
        let parts = try await inParts(numbered) { slice in
            var part = EncodedBatch(allocator: after, capacity: slice.count)
            for (new, reference) in slice { part.append(new, reference: reference) }
            return part
        }
        var batch = parts[0]
        for part in parts.dropFirst() { batch.join(part) }
        return batch
    }

    private init(allocator: ReferenceAllocator, capacity: Int) {
        self.allocator = allocator
        cases = CopyText(capacity: capacity * 400)
        events = CopyText(capacity: capacity * 300)
        ids.reserveCapacity(capacity)
    }

    /// One case (already linked and sealed, `NewCase.asImported`) as its rows.
    private mutating func append(_ new: NewCase, reference: String) {
        let (c, e) = (new.record, new.event)
        let fields = BulkJSON.string(c.fields)
        cases.row {
            $0.uuid(c.id); $0.text(reference); $0.text(c.workflow); $0.int(c.definitionVersion); $0.text(c.state)
            $0.time(c.stateEnteredAt); $0.int(c.version); $0.text(fields); $0.uuid(c.parentID); $0.time(c.dueAt)
            $0.text(c.createdBy); $0.time(c.createdAt); $0.text(c.updatedBy); $0.time(c.updatedAt); $0.text(c.chainHead)
            $0.text(c.caseKey)
        }
        let eventFields = new.eventFieldsJSON ?? BulkJSON.string(e.fields)
        events.row {
            $0.uuid(c.id); $0.int(e.caseVersion); $0.text(e.kind.rawValue); $0.text(e.to)
            $0.text(e.actor); $0.text(e.role?.rawValue); $0.text(eventFields); $0.time(e.at); $0.text(e.chain)
        }
        for claim in new.claims {
            claims.row { $0.text(claim.workflow); $0.text(claim.field); $0.text(claim.value); $0.uuid(c.id) }
        }
        ids.append(c.id)
    }

    /// `other`'s rows after these.
    private mutating func join(_ other: EncodedBatch) {
        cases.join(other.cases)
        events.join(other.events)
        claims.join(other.claims)
        ids += other.ids
    }
}

/// Rows in COPY's text format: tab-separated, `\N` for NULL, backslash escapes for tab, CR, LF and backslash.
struct CopyText: Sendable {
    private(set) var buffer: ByteBuffer
    private(set) var rows = 0
    private var first = true

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// The rows written so far, as text (for tests: rows hold personal data and are never logged).
    var written: String { String(decoding: buffer.readableBytesView, as: UTF8.self) }

    /// `other`'s rows after these.
    mutating func join(_ other: CopyText) {
        var more = other.buffer
        buffer.writeBuffer(&more)
        rows += other.rows
    }

    mutating func row(_ body: (inout CopyText) -> Void) {
        first = true
        body(&self)
        buffer.writeInteger(UInt8(ascii: "\n"))
        rows += 1
    }

    mutating func text(_ value: String?) {
        separate()
        guard var text = value else { return null() }
        let copied = text.withUTF8 { (bytes: UnsafeBufferPointer<UInt8>) -> Bool in
            guard !bytes.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return false }
            buffer.writeBytes(bytes)
            return true
        }
        if copied { return }
        for byte in text.utf8 {
            switch byte {
            case 0x5C: buffer.writeStaticString("\\\\")
            case 0x09: buffer.writeStaticString("\\t")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }

    mutating func int(_ value: Int) {
        separate()
        buffer.writeString(String(value))
    }

    mutating func uuid(_ value: UUID?) {
        separate()
        guard let value else { return null() }
        buffer.writeString(value.lowercasedString)
    }

    /// `2026-06-01 09:30:00.123456+00`, in whole microseconds as `PostgresInstant` binds a `Date`.
    mutating func time(_ value: Date?) {
        separate()
        guard let value else { return null() }
        let stamp = UTCTimestamp(value)
        // Written in place: this runs three times per case.
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: UTCTimestamp.longest) { out in
            stamp.write(into: out, separator: UInt8(ascii: " "), fractionDigits: 6)
        }
        buffer.writeStaticString("+00")
    }

    private mutating func null() { buffer.writeStaticString("\\N") }

    private mutating func separate() {
        if first { first = false } else { buffer.writeInteger(UInt8(ascii: "\t")) }
    }
}

/// Runs tasks' jobs on a NIO event loop (`withTaskExecutorPreference`): for work that mostly waits on that loop's
/// connection and must not queue behind CPU-bound tasks on the shared pool.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
