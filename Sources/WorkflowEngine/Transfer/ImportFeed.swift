import Foundation

/// The loading pass of an import: reads the file again and hands the store its cases a batch at a time.
///
/// Every row is checked again as it is read; a row that no longer passes means the file changed
/// since it was checked, and the whole import is rolled back.
package actor ImportFeed {
    package static let batchSize = 4_000

    private let path: String
    private var reader: CSVReader
    private let checker: ImportRowChecker
    private let parents: [String: CaseRecord]
    private let size: Int
    private let progress: @Sendable (ImportProgress) -> Void
    private var headerRead = false
    private var rows = 0

    init(path: String, checker: ImportRowChecker, parents: [String: CaseRecord], size: Int,
         progress: @escaping @Sendable (ImportProgress) -> Void) throws(WorkflowError) {
        self.path = path
        self.reader = try CSVReader(path: path)
        self.checker = checker
        self.parents = parents
        self.size = size
        self.progress = progress
    }

    /// The next batch of cases in file order, each as `store` turns it (sealed), or `nil` after the last row.
    func next(_ store: @escaping @Sendable (NewCase) throws -> NewCase) async throws -> [NewCase]? {
        if !headerRead {
            headerRead = true
            guard try read()?.fields.map({ $0.trimmingSpaces }) == checker.columns.names else {
                throw changed("its header")
            }
        }
        var chunk: [(record: CSVRecord, parent: ImportParent)] = []
        while chunk.count < Self.batchSize, let record = try read() {
            chunk.append((record, parent(of: record)))
        }
        // Every core, in one step: checking and sealing a row costs the client more than writing it costs the database.
        let checker = checker
        let outcomes = try await mapInParts(chunk) { row -> Result<NewCase, ImportRefusal> in
            switch checker.check(row.record, parent: row.parent) {
            case .success(let new): return .success(try store(new))
            case .failure(let refusal): return .failure(refusal)
            }
        }
        var batch: [NewCase] = []
        batch.reserveCapacity(outcomes.count)
        for (row, outcome) in zip(chunk, outcomes) {
            switch outcome {
            case .success(let new): batch.append(new)
            case .failure(let refusal): throw changed(refusal.problems.first?.description ?? "row \(row.record.row)")
            }
        }
        rows += batch.count
        progress(ImportProgress(phase: .loading, rows: rows, bytesRead: batch.isEmpty ? size : reader.bytesRead, totalBytes: size))
        return batch.isEmpty ? nil : batch
    }

    private func read() throws -> CSVRecord? {
        do {
            return try reader.next()
        } catch {
            throw changed(error.description)
        }
    }

    private func parent(of record: CSVRecord) -> ImportParent {
        guard let index = checker.columns.parentIndex, index < record.fields.count else { return .none }
        let text = record.fields[index].trimmingSpaces
        return parents[text].map(ImportParent.found) ?? .missing(text)
    }

    private func changed(_ what: String) -> WorkflowError {
        WorkflowError(.invalidData, "\(path) changed while it was being imported (\(what)); nothing was imported: import it again")
    }
}
