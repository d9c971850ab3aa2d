import CRVSAssessment
import Foundation
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// One unmet guard: an assessment opened with `fields`, in `state`, asked to take `transition` setting `changes`.
struct GuardScenario: Sendable, CustomTestStringConvertible {
    let transition: String
    let state: String
    var fields: FieldValues = Fixture.readyFields
    var changes: FieldValues = [:]
    var reason: String? = nil
    let unmet: String

    var testDescription: String { "\(transition) from \(state): \(unmet)" }
}

/// Each guard refuses on its own and names itself.
@Suite("CRVS guards")
struct CRVSGuardTests {
    static let ready = Fixture.readyFields
    static let coverage = "access covers every chosen group × event"

    static let refusals: [GuardScenario] = [
        .init(transition: "start_inception", state: "requested", fields: ready.without("lead_agency"), unmet: "lead_agency set"),
        .init(transition: "start_data_collection", state: "inception", fields: ready.without("population_groups", "access"),
              unmet: "population_groups set"),
        .init(transition: "start_data_collection", state: "inception", fields: ready.without("vital_events", "access"),
              unmet: "vital_events set"),
        .init(transition: "start_data_collection", state: "inception", fields: ready.without("government_focal_point"),
              unmet: "government_focal_point set"),
        .init(transition: "start_analysis", state: "data_collection", fields: ready.without("access"), unmet: coverage),
        .init(transition: "start_analysis", state: "data_collection",
              fields: ready.with(["access": Fixture.access(["refugees": ["birth": "full", "death": "full"]])]),
              unmet: coverage),
        .init(transition: "start_analysis", state: "data_collection",
              fields: ready.with(["access": Fixture.access(["refugees": ["birth": "full", "death": "full"], "stateless_persons": ["death": "none"]])]),
              unmet: coverage),
        .init(transition: "start_analysis", state: "data_collection", changes: ["vital_events": .string("birth,death,marriage")],
              unmet: coverage),
        .init(transition: "submit_findings", state: "analysis", fields: ready.without("key_findings"), unmet: "key_findings set"),
        .init(transition: "submit_findings", state: "analysis", fields: ready.without("recommendations"), unmet: "recommendations set"),
        .init(transition: "request_revision", state: "validation", unmet: "reason given: pass --reason TEXT"),
        .init(transition: "endorse", state: "validation", fields: ready.without("endorsed_on"), unmet: "endorsed_on set"),
        .init(transition: "endorse", state: "validation", fields: ready.without("endorsed_by"), unmet: "endorsed_by set"),
        .init(transition: "publish", state: "endorsed", fields: ready.without("report_reference"), unmet: "report_reference set"),
        .init(transition: "start_follow_up", state: "published", fields: ready.without("action_plan"), unmet: "action_plan set"),
        .init(transition: "suspend", state: "analysis", unmet: "reason given: pass --reason TEXT"),
        .init(transition: "withdraw", state: "requested", reason: "   ", unmet: "reason given: pass --reason TEXT"),
        .init(transition: "withdraw", state: "suspended", unmet: "reason given: pass --reason TEXT"),
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

    @Test func startDataCollectionRefusesListingEveryUnmetGuard() throws {
        var journey = try Journey.at("inception", fields: Self.ready.without("population_groups", "vital_events", "access", "government_focal_point"))
        let error = #expect(throws: WorkflowError.self) { try journey.advance("start_data_collection") }
        #expect(error?.details == ["population_groups set", "vital_events set", "government_focal_point set"])
    }

    @Test func unknownCountsAsAnAnswerForCoverage() throws {
        let unknown = Fixture.access([
            "refugees": ["birth": "unknown", "death": "unknown"], "stateless_persons": ["birth": "unknown", "death": "unknown"],
        ])
        var journey = try Journey.at("data_collection", fields: Self.ready.with(["access": unknown]))
        try journey.advance("start_analysis")
        #expect(journey.record.state == "analysis")
    }

    @Test func theMatrixMayBeCompletedInTheCallThatStartsAnalysis() throws {
        let partial = Fixture.access(["refugees": ["birth": "full"]])
        var journey = try Journey.at("data_collection", fields: Self.ready.with(["access": partial]))
        try journey.advance("start_analysis", fields: ["access": Fixture.fullAccess])
        #expect(journey.record.state == "analysis")
    }

    @Test func coverageNeedsAScopeAndAnAnswerForEveryCell() {
        let coverage = CRVS.workflow.transition("start_analysis", from: "data_collection")!.guards[0]
        func holds(_ fields: FieldValues) -> Bool {
            coverage.holds(in: GuardContext(fields: fields, previousFields: [:], reason: nil, actor: "cora", latestActors: [:]))
        }
        let scope: FieldValues = ["population_groups": .array([.string("refugees")]), "vital_events": .array([.string("birth")])]
        #expect(holds(scope.with(["access": Fixture.access(["refugees": ["birth": "none"]])])))
        #expect(!holds(scope))
        #expect(!holds(scope.with(["access": Fixture.access(["refugees": ["birth": "somewhat"]])])))
        #expect(!holds(scope.with(["access": .object(["refugees": .string("full")])])))
        #expect(!holds(["access": Fixture.access(["refugees": ["birth": "none"]])]))
    }
}
