import Foundation
import WorkflowEngine

extension CRVS {
    /// `crvs.access`: for each population group × vital event, how many assessed countries report each access level.
    ///
    /// A country counts once, through its most recently updated assessment that has a non-empty
    /// access matrix and was not withdrawn. Rows cover every group × event in the enum orders, zeros included.
    public static let accessReport = ModuleReport(
        name: "crvs.access",
        summary: "countries per access level (full, partial, none, unknown) for each population group × vital event",
        workflow: "crvs",
        build: accessTable)

    /// Builds the `crvs.access` table from every `crvs` case.
    @Sendable static func accessTable(_ cases: [CaseRecord]) -> ReportTable {
        var latest: [String: CaseRecord] = [:]
        for record in cases where record.workflow == workflow.id && record.state != "withdrawn" {
            guard let country = record.fields["country"]?.stringValue, let access = record.fields["access"],
                  access.isPresent, case .object = access else { continue }
            if let current = latest[country], !isNewer(record, than: current) { continue }
            latest[country] = record
        }
        let matrices = latest.values.compactMap { record -> [String: JSONValue]? in
            if case .object(let matrix)? = record.fields["access"] { return matrix }
            return nil
        }
        var rows: [[JSONValue]] = []
        for group in populationGroups {
            for event in vitalEvents {
                var counts = Dictionary(uniqueKeysWithValues: accessLevels.map { ($0, 0) })
                for matrix in matrices {
                    guard case .object(let row)? = matrix[group], let level = row[event]?.stringValue,
                          counts[level] != nil else { continue }
                    counts[level, default: 0] += 1
                }
                rows.append([.string(group), .string(event)] + accessLevels.map { .int(counts[$0] ?? 0) })
            }
        }
        return ReportTable(columns: ["population_group", "vital_event"] + accessLevels, rows: rows)
    }

    /// Later update wins; the reference breaks a tie so the result never depends on input order.
    private static func isNewer(_ record: CaseRecord, than other: CaseRecord) -> Bool {
        (record.updatedAt, record.reference) > (other.updatedAt, other.reference)
    }
}
