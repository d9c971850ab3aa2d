import CRVSAssessment
import Foundation
import Testing
import WorkflowEngine

/// `crvs.access`: countries per access level, for each population group × vital event.
@Suite("CRVS access report")
struct CRVSAccessReportTests {
    static let columns = ["population_group", "vital_event", "full", "partial", "none", "unknown"]

    /// A stored assessment of `country` in `state`, last updated `day` days after `Fixture.start`.
    static func assessment(
        _ reference: String, _ country: String, _ state: String, updatedOnDay day: Int, access: [String: [String: String]]?
    ) -> CaseRecord {
        let updated = Fixture.start.addingTimeInterval(Double(day) * Fixture.day)
        var fields: FieldValues = ["country": .string(country)]
        if let access { fields["access"] = Fixture.access(access) }
        return CaseRecord(
            id: UUID(), reference: reference, workflow: "crvs", definitionVersion: 1, state: state, previousState: nil,
            stateEnteredAt: updated, version: 5, fields: fields, parentID: nil, assignee: nil, dueAt: nil,
            createdBy: "cora", createdAt: Fixture.start, updatedBy: "cora", updatedAt: updated)
    }

    /// THA: its newer assessment wins. IDN: the withdrawn one is skipped. MYS: the newest has no matrix yet.
    /// PHL: only withdrawn, so not counted. KHM: one assessment covering two cells. VNM: an empty matrix is no matrix.
    static let cases: [CaseRecord] = [
        assessment("CRVS-2025-000001", "THA", "completed", updatedOnDay: 10, access: ["refugees": ["birth": "full"]]),
        assessment("CRVS-2026-000004", "THA", "data_collection", updatedOnDay: 40, access: ["refugees": ["birth": "partial"]]),
        assessment("CRVS-2025-000002", "IDN", "published", updatedOnDay: 20, access: ["refugees": ["birth": "none"]]),
        assessment("CRVS-2026-000005", "IDN", "withdrawn", updatedOnDay: 50, access: ["refugees": ["birth": "full"]]),
        assessment("CRVS-2025-000003", "MYS", "follow_up", updatedOnDay: 30,
                   access: ["refugees": ["birth": "unknown"], "stateless_persons": ["death": "full"]]),
        assessment("CRVS-2026-000006", "MYS", "requested", updatedOnDay: 60, access: nil),
        assessment("CRVS-2026-000007", "PHL", "withdrawn", updatedOnDay: 70, access: ["refugees": ["birth": "full"]]),
        assessment("CRVS-2026-000008", "KHM", "analysis", updatedOnDay: 45,
                   access: ["stateless_persons": ["death": "none", "birth": "partial"]]),
        assessment("CRVS-2025-000009", "VNM", "published", updatedOnDay: 15, access: ["refugees": ["death": "partial"]]),
        assessment("CRVS-2026-000010", "VNM", "inception", updatedOnDay: 80, access: [:]),
    ]

    func row(_ table: ReportTable, _ group: String, _ event: String) -> [JSONValue]? {
        table.rows.first { $0.prefix(2) == [.string(group), .string(event)] }
    }

    @Test func moduleOffersTheReportOnTheCrvsWorkflow() {
        let report = CRVSAssessmentModule().reports.first
        #expect(report?.name == "crvs.access")
        #expect(report?.workflow == "crvs")
        #expect(report?.summary.isEmpty == false)
    }

    @Test func everyGroupAndEventHasARowInEnumOrderEvenWithNoAssessments() {
        let table = CRVS.accessReport.build([])
        #expect(table.columns == Self.columns)
        let groups = ["asylum_seekers", "refugees", "stateless_persons", "undetermined_nationality", "undocumented_persons"]
        let events = ["birth", "death", "marriage", "divorce"]
        #expect(table.rows.map { Array($0.prefix(2)) } == groups.flatMap { group in events.map { [.string(group), .string($0)] } })
        #expect(table.rows.allSatisfy { $0.dropFirst(2) == [.int(0), .int(0), .int(0), .int(0)] })
    }

    @Test func eachCountryCountsOnceThroughItsLatestUsableAssessment() {
        let table = CRVS.accessReport.build(Self.cases)
        // THA partial (newer wins), IDN none (withdrawn skipped), MYS unknown (newest has no matrix); PHL not counted.
        #expect(row(table, "refugees", "birth") == [.string("refugees"), .string("birth"), .int(0), .int(1), .int(1), .int(1)])
        #expect(row(table, "stateless_persons", "death") == [.string("stateless_persons"), .string("death"), .int(1), .int(0), .int(1), .int(0)])
        #expect(row(table, "stateless_persons", "birth") == [.string("stateless_persons"), .string("birth"), .int(0), .int(1), .int(0), .int(0)])
        // VNM partial, from its older assessment: the newer one's matrix is still empty.
        #expect(row(table, "refugees", "death") == [.string("refugees"), .string("death"), .int(0), .int(1), .int(0), .int(0)])
        let counted: Set<[JSONValue]> = [
            [.string("refugees"), .string("birth")], [.string("stateless_persons"), .string("death")],
            [.string("stateless_persons"), .string("birth")], [.string("refugees"), .string("death")],
        ]
        let others = table.rows.filter { !counted.contains(Array($0.prefix(2))) }
        #expect(others.count == 16)
        #expect(others.allSatisfy { $0.dropFirst(2) == [.int(0), .int(0), .int(0), .int(0)] })
    }

    @Test func theTableDoesNotDependOnTheOrderCasesArriveIn() {
        #expect(CRVS.accessReport.build(Self.cases.reversed()) == CRVS.accessReport.build(Self.cases))
    }

    @Test func countsAreNumbersSoJSONOutputKeepsThemNumeric() {
        let table = CRVS.accessReport.build(Self.cases)
        for row in table.rows {
            for count in row.dropFirst(2) {
                guard case .int = count else { Issue.record("\(count) is not an int"); continue }
            }
        }
    }
}
