import Foundation
import Secondments
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// One unmet guard: a secondment opened with `fields`, in `state`, asked to take `transition` setting `changes`.
struct GuardScenario: Sendable, CustomTestStringConvertible {
    let transition: String
    let state: String
    var fields: FieldValues = Fixture.readyFields
    var changes: FieldValues = [:]
    var reason: String? = nil
    let unmet: String

    var testDescription: String { "\(transition): \(unmet)" }
}

/// Each guard refuses on its own and names itself; all unmet guards are listed at once.
@Suite("Secondment guards")
struct SecondmentGuardTests {
    static let ready = Fixture.readyFields

    static let refusals: [GuardScenario] = [
        .init(transition: "nominate", state: "proposed", fields: ready.without("officer_name"), unmet: "officer_name set"),
        .init(transition: "nominate", state: "proposed", fields: ready.without("officer_position"), unmet: "officer_position set"),
        .init(transition: "approve", state: "nominated", fields: ready.without("project"), unmet: "project set"),
        .init(transition: "approve", state: "nominated", fields: ready.without("planned_start"), unmet: "planned_start set"),
        .init(transition: "approve", state: "nominated", fields: ready.without("planned_end"), unmet: "planned_end set"),
        .init(transition: "approve", state: "nominated", fields: ready.with(["planned_end": .string("2026-03-02")]),
              unmet: "planned_end > planned_start"),
        .init(transition: "approve", state: "nominated", changes: ["planned_end": .string("2026-02-27")],
              unmet: "planned_end > planned_start"),
        .init(transition: "decline", state: "proposed", unmet: "reason given: pass --reason TEXT"),
        .init(transition: "decline", state: "nominated", reason: " ", unmet: "reason given: pass --reason TEXT"),
        .init(transition: "start", state: "approved", fields: ready.without("actual_start"), unmet: "actual_start set"),
        .init(transition: "extend", state: "active", unmet: "a new planned_end later than the current one"),
        .init(transition: "extend", state: "active", changes: ["planned_end": .string("2026-08-28")],
              unmet: "a new planned_end later than the current one"),
        .init(transition: "extend", state: "active", changes: ["planned_end": .string("2026-07-31")],
              unmet: "a new planned_end later than the current one"),
        .init(transition: "conclude", state: "active", fields: ready.without("actual_end"), unmet: "actual_end set"),
        .init(transition: "conclude", state: "active", changes: ["actual_end": .string("2026-03-08")],
              unmet: "actual_end ≥ actual_start"),
        .init(transition: "report", state: "concluded", fields: ready.without("deliverables"), unmet: "deliverables set"),
        .init(transition: "cancel", state: "approved", unmet: "reason given: pass --reason TEXT"),
    ]

    @Test(arguments: refusals)
    func eachGuardRefusesAloneAndNamesItself(_ scenario: GuardScenario) throws {
        var journey = try Journey.at(scenario.state, fields: scenario.fields)
        let error = #expect(throws: WorkflowError.self) {
            try journey.advance(scenario.transition, fields: scenario.changes, reason: scenario.reason)
        }
        #expect(error?.code == .guardFailed)
        #expect(error?.details == [scenario.unmet])
        #expect(journey.record.state == scenario.state)
    }

    @Test func approveRefusesListingEveryUnmetGuard() throws {
        var journey = try Journey.at("nominated", fields: Fixture.readyFields.without("project", "planned_start", "planned_end"))
        let error = #expect(throws: WorkflowError.self) { try journey.advance("approve") }
        #expect(error?.details == ["project set", "planned_start set", "planned_end set"])
    }

    @Test func aPlacementMayEndTheDayItStarted() throws {
        var journey = try Journey.at("active")
        try journey.advance("conclude", fields: ["actual_end": .string("2026-03-09")])
        #expect(journey.record.state == "concluded")
    }

    @Test func guardsSeeTheFieldsTheSameCallSets() throws {
        var journey = try Journey.at("approved", fields: Fixture.readyFields.without("actual_start"))
        try journey.advance("start", fields: ["actual_start": .string("2026-03-16")])
        #expect(journey.record.state == "active")
    }
}
