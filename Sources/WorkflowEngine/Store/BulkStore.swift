import Foundation

/// Bulk import and export of cases.
///
/// Part of `CaseStore`; each backend conforms in its own files (`…+Bulk.swift`).
public protocol BulkStore: Sendable {
    /// The claims among `claims` that a stored case already holds, with that case's reference.
    func takenClaims(_ claims: [UniqueClaim]) async throws -> [UniqueClaim: String]

    /// Inserts every case `next` yields, in one transaction: all of them or none.
    ///
    /// At the start the store reserves each year's whole block of reference numbers at once
    /// (`plan.casesPerYear`); then it writes each case with its reference, its `opened` event,
    /// its unique claims and its first stage interval. `next` returns the cases in file order, as they are written
    /// (`NewCase.asImported`: the opened event as an import records it, already linked, its values sealed),
    /// a batch at a time, and `nil` at the end; an error it throws rolls everything back.
    /// A unique value taken meanwhile by another writer is `StoreSignal.uniqueValueTaken`.
    /// With `plan.record`, the import is recorded in `imports` in the same transaction; unless the record says
    /// `again`, an earlier import of the same file into the same workflow (`ImportRepeated`) refuses it first.
    func importCases(_ plan: BulkImportPlan, next: @escaping @Sendable () async throws -> [NewCase]?) async throws -> [ReferenceBlock]

    /// Earlier imports of the file with `sha256` into `workflow`, and the import under `idempotencyKey`, oldest first.
    func earlierImports(workflow: String, sha256: String, idempotencyKey: String?) async throws -> [ImportRecord]

    /// Calls `each` with every case of `workflow`, oldest first, from one consistent snapshot.
    ///
    /// With `asOf`, each case's state is the one it stood in just before that instant (the end of
    /// a day is the next midnight): its stage interval with `entered_at < asOf` and `left_at` unset
    /// or `>= asOf`; cases opened at or after it are left out. Fields are the case's current values.
    func exportCases(workflow: String, asOf: Date?, _ each: @escaping @Sendable (ExportedCase) async throws -> Void) async throws
}

/// What a bulk import will write, known after the validation pass.
public struct BulkImportPlan: Sendable, Hashable {
    public let workflow: String
    public let referencePrefix: String
    /// How many cases open in each year: the store reserves each year's block of reference numbers up front.
    public let casesPerYear: [Int: Int]
    /// What to record of this import in `imports` (its references are filled in by the store).
    public let record: ImportRecord?

    public init(workflow: String, referencePrefix: String, casesPerYear: [Int: Int], record: ImportRecord? = nil) {
        self.workflow = workflow
        self.referencePrefix = referencePrefix
        self.casesPerYear = casesPerYear
        self.record = record
    }

    public var total: Int { casesPerYear.values.reduce(0, +) }
}

/// A run of consecutive reference numbers reserved for one year of an import.
public struct ReferenceBlock: Sendable, Hashable {
    public let prefix: String
    public let year: Int
    public let first: Int
    public let last: Int

    public init(prefix: String, year: Int, first: Int, last: Int) {
        self.prefix = prefix
        self.year = year
        self.first = first
        self.last = last
    }

    /// `AVRR-2026-000042`: the reference of `number` in this block's prefix and year.
    public func reference(_ number: Int) -> String {
        CaseReference.format(prefix: prefix, year: year, number: number)
    }

    public var firstReference: String { reference(first) }
    public var lastReference: String { reference(last) }
}

/// One case as exported: its reference, its state (now or as of a date) and its fields.
public struct ExportedCase: Sendable, Hashable {
    public let id: UUID
    public let reference: String
    public let state: String
    public let openedAt: Date
    /// The parent case's reference, for workflows opened under a parent.
    public let parentReference: String?
    public var fields: FieldValues
    /// The case's wrapped key, which opens its sealed personal values (`CaseSealing`).
    public var caseKey: String?

    public init(id: UUID, reference: String, state: String, openedAt: Date, parentReference: String?, fields: FieldValues,
                caseKey: String? = nil) {
        self.id = id
        self.caseKey = caseKey
        self.reference = reference
        self.state = state
        self.openedAt = openedAt
        self.parentReference = parentReference
        self.fields = fields
    }
}

// Field values may be personal data: printing an exported case shows field names only.
extension ExportedCase: CustomStringConvertible {
    public var description: String { "ExportedCase(\(reference), state: \(state), fields: \(fields.keys.sorted()))" }
}

/// Hands out reference numbers from the blocks reserved for an import, in order, per year.
package struct ReferenceAllocator: Sendable {
    private var next: [Int: Int] = [:]
    private var blocks: [Int: ReferenceBlock] = [:]

    package init(_ blocks: [ReferenceBlock]) {
        for block in blocks {
            self.blocks[block.year] = block
            next[block.year] = block.first
        }
    }

    /// The next reference of `year`; refused when the import brings more cases than it planned.
    package mutating func reference(year: Int) throws(WorkflowError) -> String {
        guard let block = blocks[year], let number = next[year], number <= block.last else {
            throw WorkflowError(.invalidData, "the import brought more cases for \(year) than its file held when it was checked (did the file change?); nothing was imported")
        }
        next[year] = number + 1
        return block.reference(number)
    }

    /// Refuses when fewer cases came than were planned (the file changed between the passes).
    package func checkAllUsed() throws(WorkflowError) {
        for (year, block) in blocks where (next[year] ?? block.first) != block.last + 1 {
            throw WorkflowError(.invalidData, "the import brought fewer cases for \(year) than its file held when it was checked (did the file change?); nothing was imported")
        }
    }
}

/// One import as `imports` keeps it: which file (by SHA-256), into which workflow, how many rows, who, when, and
/// the references it gave (so that a retry under the same idempotency key returns the first result).
public struct ImportRecord: Sendable, Hashable {
    public let workflow: String
    /// Lower-case hex SHA-256 of the file's bytes.
    public let sha256: String
    /// The file's path as given, for people reading the record.
    public let file: String
    public let rows: Int
    public let actor: String
    public let at: Date
    /// Imported although the same file had been (`import --again`).
    public let again: Bool
    public let idempotencyKey: String?
    public let references: [ReferenceBlock]

    public init(workflow: String, sha256: String, file: String, rows: Int, actor: String, at: Date, again: Bool,
                idempotencyKey: String?, references: [ReferenceBlock] = []) {
        self.workflow = workflow
        self.sha256 = sha256
        self.file = file
        self.rows = rows
        self.actor = actor
        self.at = at
        self.again = again
        self.idempotencyKey = idempotencyKey
        self.references = references
    }

    /// The record with the references the store reserved.
    public func with(_ references: [ReferenceBlock]) -> ImportRecord {
        ImportRecord(workflow: workflow, sha256: sha256, file: file, rows: rows, actor: actor, at: at, again: again,
                     idempotencyKey: idempotencyKey, references: references)
    }

    /// The references as stored: `year first last` per block, blocks separated by commas (the prefix is stored apart).
    public var referencesText: String {
        references.map { "\($0.year) \($0.first) \($0.last)" }.joined(separator: ",")
    }

    /// Reads `referencesText` back; nil when it is not in that form (a damaged row is an error, never a guess).
    public static func references(prefix: String, text: String) -> [ReferenceBlock]? {
        if text.isEmpty { return [] }
        var blocks: [ReferenceBlock] = []
        for part in text.split(separator: ",") {
            let numbers = part.split(separator: " ").compactMap { Int($0) }
            guard numbers.count == 3 else { return nil }
            blocks.append(ReferenceBlock(prefix: prefix, year: numbers[0], first: numbers[1], last: numbers[2]))
        }
        return blocks
    }
}

/// The same file was imported into the same workflow before, and `--again` was not given.
public struct ImportRepeated: Error, Sendable {
    public let earlier: ImportRecord

    public init(earlier: ImportRecord) { self.earlier = earlier }
}

extension NewCase {
    /// The opened event as an import stores it (case, version, kind, state, actor, role, fields and time: an
    /// imported case's request is the import, recorded in `imports`), linked as the first of the case's chain (as
    /// `linked` would), with its fields' JSON for the store.
    /// Computed by the engine on every core, as it checks and seals the rows, rather than by the store's one writer.
    package var asImported: NewCase {
        var imported = self
        imported.event.transition = nil
        imported.event.from = nil
        imported.event.reason = nil
        imported.event.idempotencyKey = nil
        imported.event.requestHash = nil
        // The fields are written as JSON once: for the link, and for the store.
        let fieldsJSON = BulkJSON.bytes(.object(imported.event.fields))
        imported.event.chain = HistoryChain.link(imported.event, after: nil, fieldsJSON: fieldsJSON)
        imported.record.chainHead = imported.event.chain
        imported.eventFieldsJSON = String(decoding: fieldsJSON, as: UTF8.self)
        return imported
    }
}
