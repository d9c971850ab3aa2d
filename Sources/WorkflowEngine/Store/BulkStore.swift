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
    /// its unique claims and its first stage interval. `next` returns the cases in file order,
    /// a batch at a time, and `nil` at the end; an error it throws rolls everything back.
    /// A unique value taken meanwhile by another writer is `StoreSignal.uniqueValueTaken`.
    func importCases(_ plan: BulkImportPlan, next: @escaping @Sendable () async throws -> [NewCase]?) async throws -> [ReferenceBlock]

    /// Calls `each` with every case of `workflow`, oldest first, from one consistent snapshot.
    ///
    /// With `asOf`, each case's state is the one it stood in just before that instant (the end of
    /// a day is the next midnight): its stage interval with `entered_at < asOf` and `left_at` unset
    /// or `>= asOf`; cases opened at or after it are left out. Fields are the case's current values.
    func exportCases(workflow: String, asOf: Date?, _ each: @Sendable (ExportedCase) async throws -> Void) async throws
}

/// What a bulk import will write, known after the validation pass.
public struct BulkImportPlan: Sendable, Hashable {
    public let workflow: String
    public let referencePrefix: String
    /// How many cases open in each year: the store reserves each year's block of reference numbers up front.
    public let casesPerYear: [Int: Int]

    public init(workflow: String, referencePrefix: String, casesPerYear: [Int: Int]) {
        self.workflow = workflow
        self.referencePrefix = referencePrefix
        self.casesPerYear = casesPerYear
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
        let digits = String(number)
        return "\(prefix)-\(year)-\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)"
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
    public let fields: FieldValues

    public init(id: UUID, reference: String, state: String, openedAt: Date, parentReference: String?, fields: FieldValues) {
        self.id = id
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
struct ReferenceAllocator: Sendable {
    private var next: [Int: Int] = [:]
    private var blocks: [Int: ReferenceBlock] = [:]

    init(_ blocks: [ReferenceBlock]) {
        for block in blocks {
            self.blocks[block.year] = block
            next[block.year] = block.first
        }
    }

    /// The next reference of `year`; refused when the import brings more cases than it planned.
    mutating func reference(year: Int) throws(WorkflowError) -> String {
        guard let block = blocks[year], let number = next[year], number <= block.last else {
            throw WorkflowError(.invalidData, "the import brought more cases for \(year) than its file held when it was checked (did the file change?); nothing was imported")
        }
        next[year] = number + 1
        return block.reference(number)
    }

    /// Refuses when fewer cases came than were planned (the file changed between the passes).
    func checkAllUsed() throws(WorkflowError) {
        for (year, block) in blocks where (next[year] ?? block.first) != block.last + 1 {
            throw WorkflowError(.invalidData, "the import brought fewer cases for \(year) than its file held when it was checked (did the file change?); nothing was imported")
        }
    }
}
