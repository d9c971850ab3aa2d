import CRVSAssessment
import Foundation
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// Coordinators run the assessment and update its fields, each up to the step that checks it.
@Suite("CRVS: who may change which field where")
struct CRVSUpdateRulesTests {
    @Test func aManagerWithdrawsButDoesNotEditTheAssessment() throws {
        var journey = try Journey.at("analysis")
        let error = #expect(throws: WorkflowError.self) {
            try journey.update(["key_findings": .string("rewritten")], by: Fixture.manager)
        }
        #expect(error?.code == .forbidden)
        #expect(error?.message.contains("key_findings needs the role coordinator in analysis") == true)
        try journey.update(["key_findings": .string("Fees deter late registration")], by: Fixture.coordinator)
    }

    @Test func theAccessMatrixIsFilledInDuringDataCollectionOnly() throws {
        var analysis = try Journey.at("analysis")
        let error = #expect(throws: WorkflowError.self) { try analysis.update(["access": Fixture.fullAccess]) }
        #expect(error?.code == .notAllowed)
        #expect(error?.details == ["access may change only in data_collection"])
    }

    @Test func endorsementIsRecordedWhileValidatingAndStaysAsEndorsed() throws {
        var endorsed = try Journey.at("endorsed")
        let error = #expect(throws: WorkflowError.self) { try endorsed.update(["endorsed_by": .string("someone else")]) }
        #expect(error?.code == .notAllowed)
        #expect(error?.details == ["endorsed_by may change only in validation"])
    }

    @Test func theCountryCannotBeCleared() throws {
        var journey = try Journey.at("requested")
        let error = #expect(throws: WorkflowError.self) { try journey.update(["country": .null]) }
        #expect(error?.code == .invalidData)
        #expect(error?.message.contains("cannot clear country") == true)
    }

    @Test func theReadmeSaysWhatEachRoleMayChangeWhere() throws {
        let workflow = CRVS.workflow
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("`\(workflow.id)`:\n\n" + workflow.updateRulesTable + "\n"),
                "README.md's table for \(workflow.id) is out of date:\n\(workflow.updateRulesTable)")
    }
}
