import Foundation

/// How far an import has got, for a progress bar.
public struct ImportProgress: Sendable, Hashable {
    public enum Phase: String, Sendable {
        /// The first pass: every row is checked, nothing is written.
        case checking
        /// The second pass: the rows are written in one transaction.
        case loading
    }

    public let phase: Phase
    public let rows: Int
    public let bytesRead: Int
    public let totalBytes: Int
    /// The phase's share done, 0...1.
    public var fraction: Double { totalBytes > 0 ? min(1, Double(bytesRead) / Double(totalBytes)) : 1 }
}

/// What an import wrote: how many cases, and the references they got.
public struct ImportSummary: Sendable, Hashable {
    public let workflow: String
    public let imported: Int
    /// Consecutive references per year, e.g. AVRR-2026-000001 … AVRR-2026-100000.
    public let references: [ReferenceBlock]
    /// Set when this is the result of an earlier import under the same idempotency key, returned again.
    public var replayOf: ImportRecord? = nil
}

extension Engine {
    /// The most problems an import refusal lists; the count of all is always given.
    public static let importProblemsListed = 100

    /// Opens one case per row of a CSV file whose header names the workflow's fields: all of them or none.
    ///
    /// The file is read twice and never held whole. The first pass checks every row exactly as
    /// `case open` would (values, required fields, module rules, parent, and unique values against
    /// the other rows and the database) and refuses the whole file with the row and column of each
    /// problem (`invalidData`, exit 65), writing nothing. The second pass writes every case — a
    /// reference, the `opened` event, unique claims and the first stage interval — in one transaction.
    /// The acting user must hold a role that may open cases of the workflow; they are each case's opener.
    /// Optional columns: `opened_at` (ISO 8601, back-dates the opening; not in the future) and, for
    /// workflows opened under a parent, `parent` (required: the parent case's reference).
    ///
    /// Each import is recorded (the file's SHA-256, rows, who, when) with its rows. The same file again into the same
    /// workflow is refused (`invalidData`) naming the earlier import, unless `again`. Under an `idempotencyKey` already
    /// used for this file, the first import's result is returned (`replayOf` set) and nothing is written.
    /// `name` is how messages and the import record name the file (an uploaded body's client-side name); the path
    /// by default.
    public func importCases(
        _ workflowID: String, from path: String, named name: String? = nil, as actorName: String, again: Bool = false,
        idempotencyKey: String? = nil, progress: @escaping @Sendable (ImportProgress) -> Void = { _ in }
    ) async throws -> ImportSummary {
        let shown = name ?? path
        let definition = try registry.workflow(workflowID)
        try IdempotencyKey.check(idempotencyKey)
        let actor = try await resolve(actorName)
        let decider = Decider(definition)
        guard decider.openingRoles.contains(where: actor.holds) else {
            throw decider.forbidden(actor, "import \(workflowID) cases", needs: decider.openingRoles)
        }
        let size = try Self.fileSize(path)
        let sha256 = try FileDigest.sha256(path)
        let earlier = try await store.earlierImports(workflow: workflowID, sha256: sha256, idempotencyKey: idempotencyKey)
        if let idempotencyKey, let keyed = earlier.first(where: { $0.idempotencyKey == idempotencyKey }) {
            guard keyed.workflow == workflowID, keyed.sha256 == sha256, keyed.actor == actorName else {
                throw WorkflowError(.invalidData, "--idempotency-key \(InputText.quoted(idempotencyKey)) was used for another import (\(keyed.actor == actorName ? Self.describe(keyed) : "another user's")); nothing was imported: give a new key for a new import")
            }
            var summary = ImportSummary(workflow: workflowID, imported: keyed.rows, references: keyed.references)
            summary.replayOf = keyed
            return summary
        }
        if !again, let first = earlier.first(where: { $0.workflow == workflowID && $0.sha256 == sha256 }) {
            throw Self.repeated(shown, first)
        }
        let now = clock.now().storagePrecision
        let checked = try await checkImport(path, named: shown, definition: definition, actor: actor, now: now, size: size, progress: progress)
        guard checked.plan.total > 0 else { return ImportSummary(workflow: workflowID, imported: 0, references: []) }
        let record = ImportRecord(workflow: workflowID, sha256: sha256, file: shown, rows: checked.plan.total, actor: actor.name,
                                  at: now, again: again, idempotencyKey: idempotencyKey)
        let plan = BulkImportPlan(workflow: checked.plan.workflow, referencePrefix: checked.plan.referencePrefix,
                                  casesPerYear: checked.plan.casesPerYear, record: record)
        let feed = try ImportFeed(path: path, checker: checked.checker, parents: checked.parents, size: size, progress: progress)
        do {
            let blocks = try await store.importCases(plan, next: { try await feed.next { try self.sealed($0, remembering: false).asImported } })
            return ImportSummary(workflow: workflowID, imported: checked.plan.total, references: blocks)
        } catch StoreSignal.uniqueValueTaken {
            // Invalid data, as when the checking pass finds it: the file holds a value another case now has.
            throw WorkflowError(.invalidData, "a unique value in \(shown) was taken by another case while the file was being imported; nothing was imported: run the import again to see which")
        } catch let repeated as ImportRepeated {
            throw Self.repeated(shown, repeated.earlier)
        }
    }

    /// "by amina at 2026-11-29T10:00:00Z, 3 rows into avrr": an earlier import as a person would name it.
    public static func describe(_ record: ImportRecord) -> String {
        "\(record.file) by \(record.actor) at \(record.at.iso8601), \(record.rows) row\(record.rows == 1 ? "" : "s") into \(record.workflow)"
    }

    static func repeated(_ path: String, _ earlier: ImportRecord) -> WorkflowError {
        WorkflowError(.invalidData, "\(path) was imported before (\(describe(earlier))); nothing was imported: to load the same rows once more, pass --again")
    }

    /// What the checking pass learned: what to write, and the parent cases the rows name.
    private struct CheckedImport: Sendable {
        let plan: BulkImportPlan
        let checker: ImportRowChecker
        let parents: [String: CaseRecord]
    }

    /// The first pass: every row checked, every problem collected, nothing written.
    private func checkImport(
        _ path: String, named name: String, definition: WorkflowDefinition, actor: User, now: Date, size: Int,
        progress: @Sendable (ImportProgress) -> Void
    ) async throws -> CheckedImport {
        var reader = try CSVReader(path: path)
        var log = ProblemLog()
        let first: CSVRecord?
        do {
            first = try reader.next()
        } catch {
            throw log.refusal(name, adding: [ImportProblem(row: error.row, column: error.column, columnName: nil, message: error.message)])
        }
        guard let header = first else {
            throw log.refusal(name, adding: [ImportProblem(row: 1, column: nil, columnName: nil, message: "the file is empty: its first line must name the columns")])
        }
        let columns: ImportColumns
        switch ImportColumns.read(header, for: definition) {
        case .success(let read): columns = read
        case .failure(let refusal): throw log.refusal(name, adding: refusal.problems)
        }
        let checker = ImportRowChecker(definition: definition, columns: columns, actor: actor, now: now)
        var claims = ClaimCheck(definition: definition, columns: columns)
        var parents: [String: CaseRecord?] = [:]
        var perYear: [Int: Int] = [:]
        var rows = 0
        var ended = false
        while !ended {
            var chunk: [(record: CSVRecord, parent: ImportParent)] = []
            while chunk.count < ImportFeed.batchSize {
                let next: CSVRecord?
                do {
                    next = try reader.next()
                } catch {
                    let name = error.column <= columns.names.count ? columns.names[error.column - 1] : nil
                    log.add([ImportProblem(row: error.row, column: error.column, columnName: name, message: error.message)])
                    next = nil
                }
                guard let record = next else {
                    ended = true
                    break
                }
                chunk.append((record, try await importParent(of: record, columns: columns, cache: &parents)))
            }
            for (row, outcome) in zip(chunk, try await checker.check(chunk)) {
                switch outcome {
                case .success(let new):
                    perYear[new.referenceYear, default: 0] += 1
                    log.add(claims.add(new.claims, row: row.record.row))
                case .failure(let refusal):
                    log.add(refusal.problems)
                }
            }
            if claims.pending.count >= 1_000 { log.add(try await claims.flush(store)) }
            rows += chunk.count
            progress(ImportProgress(phase: .checking, rows: rows, bytesRead: reader.bytesRead, totalBytes: size))
        }
        log.add(try await claims.flush(store))
        progress(ImportProgress(phase: .checking, rows: rows, bytesRead: size, totalBytes: size))
        if log.count > 0 { throw log.refusal(name, adding: []) }
        return CheckedImport(
            plan: BulkImportPlan(workflow: definition.id, referencePrefix: definition.referencePrefix, casesPerYear: perYear),
            checker: checker, parents: parents.compactMapValues { $0 })
    }

    /// The parent a row names, looked up once per distinct reference.
    private func importParent(of record: CSVRecord, columns: ImportColumns, cache: inout [String: CaseRecord?]) async throws -> ImportParent {
        guard let index = columns.parentIndex, index < record.fields.count else { return .none }
        let text = record.fields[index].trimmingSpaces
        if let known = cache[text] { return known.map(ImportParent.found) ?? .missing(text) }
        // Text no reference can hold (a control character, a NUL that PostgreSQL would refuse) is not looked up.
        let lookable = !text.isEmpty && InputText.problem(text, lines: false, limit: InputLimits.shortText) == nil
        let found = lookable ? try await store.findCase(CaseLocator(text)) : nil
        cache[text] = .some(found)
        return found.map(ImportParent.found) ?? .missing(text)
    }

    static func fileSize(_ path: String) throws(WorkflowError) -> Int {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw WorkflowError(.notFound, "\(path) is a directory: give the path of a CSV file")
        }
        guard let handle = FileHandle(forReadingAtPath: path), let end = try? handle.seekToEnd() else {
            throw WorkflowError(.notFound, "cannot read \(path): no such file, or no permission to read it")
        }
        try? handle.close()
        return Int(end)
    }
}

/// The problems found so far: all counted, the first `Engine.importProblemsListed` kept.
struct ProblemLog: Sendable {
    private(set) var kept: [ImportProblem] = []
    private(set) var count = 0

    mutating func add(_ problems: [ImportProblem]) {
        count += problems.count
        kept += problems.prefix(max(0, Engine.importProblemsListed - kept.count))
    }

    /// The refusal of the whole file, listing its problems by row and column.
    mutating func refusal(_ path: String, adding problems: [ImportProblem]) -> WorkflowError {
        add(problems)
        var details = kept.sorted { ($0.row, $0.column ?? 0) < ($1.row, $1.column ?? 0) }.map(\.description)
        if count > kept.count { details.append("… and \(count - kept.count) more; fix these and import again to see the rest") }
        return WorkflowError(.invalidData, "\(path) was refused: \(count) problem\(count == 1 ? "" : "s"); nothing was imported", details: details)
    }
}

/// Unique values claimed by the file's rows: each must differ from the other rows' and be free in the database.
struct ClaimCheck: Sendable {
    let definition: WorkflowDefinition
    let columns: ImportColumns
    /// Where each value was first claimed; only kept for workflows that have unique fields.
    private var firstRow: [UniqueClaim: Int] = [:]
    private(set) var pending: [(claim: UniqueClaim, row: Int)] = []

    init(definition: WorkflowDefinition, columns: ImportColumns) {
        self.definition = definition
        self.columns = columns
    }

    /// Duplicates within the file; the rest wait to be checked against the database.
    mutating func add(_ claims: [UniqueClaim], row: Int) -> [ImportProblem] {
        var problems: [ImportProblem] = []
        for claim in claims {
            if let first = firstRow[claim] {
                problems.append(problem(claim, row: row, "\(shown(claim))is the same as row \(first)'s: \(definition.id) allows one case per \(claim.field)"))
            } else {
                firstRow[claim] = row
                pending.append((claim, row))
            }
        }
        return problems
    }

    /// Checks the waiting values against the database in one query.
    mutating func flush(_ store: any CaseStore) async throws -> [ImportProblem] {
        guard !pending.isEmpty else { return [] }
        let taken = try await store.takenClaims(pending.map(\.claim))
        defer { pending.removeAll(keepingCapacity: true) }
        return pending.compactMap { claim, row in
            taken[claim].map { holder in
                problem(claim, row: row, "\(shown(claim))is already used by \(holder): \(definition.id) allows one case per \(claim.field)")
            }
        }
    }

    private func shown(_ claim: UniqueClaim) -> String {
        definition.field(claim.field)?.dataClass.isProtected == false ? "'\(claim.value)' " : ""
    }

    private func problem(_ claim: UniqueClaim, row: Int, _ message: String) -> ImportProblem {
        let index = columns.indexOfField[claim.field]
        return ImportProblem(row: row, column: index.map { $0 + 1 }, columnName: claim.field, message: message)
    }
}
