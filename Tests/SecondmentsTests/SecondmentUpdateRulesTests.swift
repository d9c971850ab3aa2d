import Foundation
import Secondments
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// What a guard checked changes only until that transition; later changes go through the workflow.
@Suite("Secondments: who may change which field where")
struct SecondmentUpdateRulesTests {
    @Test func theApprovedPlanCannotChangeUnreviewed() throws {
        var approved = try Journey.at("approved")
        for field in ["project", "planned_start", "planned_end", "officer_name"] {
            let value: JSONValue = field.hasPrefix("planned") ? .string("2026-12-31") : .string("changed")
            let error = #expect(throws: WorkflowError.self) { try approved.update([field: value]) }
            #expect(error?.code == .notAllowed)
            #expect(error?.message.contains("\(field) may change only in proposed") == true)
        }
        try approved.update(["actual_start": .string("2026-03-10"), "funded_by": .string("Australia")])

        // Before approval the manager reviews whatever the plan says by then.
        var nominated = try Journey.at("nominated")
        try nominated.update(["planned_end": .string("2026-09-30")])
        #expect(nominated.record.fields["planned_end"] == .string("2026-09-30"))
    }

    @Test func anActivePlacementGrowsLongerOnlyThroughTheManagersExtend() throws {
        var active = try Journey.at("active")
        let error = #expect(throws: WorkflowError.self) { try active.update(["planned_end": .string("2026-12-31")]) }
        #expect(error?.code == .notAllowed)
        try active.advance("extend", fields: ["planned_end": .string("2026-12-31")])
        #expect(active.record.fields["planned_end"] == .string("2026-12-31"))
    }

    @Test func theSecondingPartyCannotBeCleared() throws {
        var journey = try Journey.at("proposed")
        let error = #expect(throws: WorkflowError.self) { try journey.update(["seconding_party": .string(" ")]) }
        #expect(error?.code == .invalidData)
        #expect(error?.message.contains("cannot clear seconding_party") == true)
    }

    @Test func theReadmeSaysWhatEachRoleMayChangeWhere() throws {
        let workflow = Secondments.workflow
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("`\(workflow.id)`:\n\n" + workflow.updateRulesTable + "\n"),
                "README.md's table for \(workflow.id) is out of date:\n\(workflow.updateRulesTable)")
    }
}
