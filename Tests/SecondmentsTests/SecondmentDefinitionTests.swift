import Foundation
import Secondments
import Testing
import WorkflowEngine

/// The `secondment` definition matches MODULES.md: names are part of the CLI contract.
@Suite("Secondment definition")
struct SecondmentDefinitionTests {
    let workflow = Secondments.workflow

    @Test func definitionValidates() throws {
        try workflow.validate()
    }

    @Test func moduleRegistersTheSecondmentWorkflowUnderItsPrefix() throws {
        let module = SecondmentsModule()
        #expect(module.name == "secondments")
        #expect(!module.summary.isEmpty && !module.summary.contains("\n"))
        let registry = try WorkflowRegistry(modules: [module])
        #expect(registry.workflows.map(\.id) == ["secondment"])
        #expect(registry.workflow(referencePrefix: "SEC")?.id == "secondment")
    }

    @Test func statesAreInSpecOrderWithTheirKinds() {
        let expected: [(String, StateDefinition.Kind)] = [
            ("proposed", .initial), ("nominated", .intermediate), ("approved", .intermediate), ("active", .intermediate),
            ("concluded", .intermediate), ("reported", .terminal), ("declined", .terminal), ("cancelled", .terminal),
        ]
        #expect(workflow.states.map(\.name) == expected.map(\.0))
        #expect(workflow.states.map(\.kind) == expected.map(\.1))
    }

    @Test func fieldsHaveTheirTypesAndOnlyTheOfficersNameIsPersonal() {
        let expected: [(String, String)] = [
            ("seconding_party", "string"), ("officer_name", "string"), ("officer_position", "string"),
            ("funded_by", "string"), ("project", "text"), ("planned_start", "date"), ("planned_end", "date"),
            ("actual_start", "date"), ("actual_end", "date"), ("deliverables", "text"), ("evaluation", "text"),
        ]
        #expect(workflow.fields.map(\.name) == expected.map(\.0))
        for (name, type) in expected { #expect(workflow.field(name)?.type.name == type, "\(name)") }
        #expect(workflow.fields.filter(\.requiredAtOpen).map(\.name) == ["seconding_party"])
        #expect(workflow.fields.filter { $0.dataClass != .ordinary }.map(\.name) == ["officer_name"])
        #expect(workflow.field("officer_name")?.dataClass == .personal)
    }

    @Test func transitionsLeadFromAndToTheSpecifiedStatesForTheSpecifiedRoles() {
        let expected: [(String, [String], String, [Role])] = [
            ("nominate", ["proposed"], "nominated", [.coordinator]),
            ("approve", ["nominated"], "approved", [.manager]),
            ("decline", ["proposed", "nominated"], "declined", [.manager]),
            ("start", ["approved"], "active", [.coordinator]),
            ("extend", ["active"], "active", [.manager]),
            ("conclude", ["active"], "concluded", [.coordinator]),
            ("report", ["concluded"], "reported", [.coordinator]),
            ("cancel", ["proposed", "nominated", "approved"], "cancelled", [.manager]),
        ]
        #expect(workflow.transitions.map(\.name) == expected.map(\.0))
        for (name, from, to, roles) in expected {
            let transition = workflow.transitions.first { $0.name == name }
            #expect(transition?.from == from, "\(name)")
            #expect(transition?.to.label == to, "\(name)")
            #expect(transition?.roles == roles, "\(name)")
        }
    }

    @Test func guardsReadAsTheSpecWritesThemAndDurationIsNeverOne() {
        let expected: [String: [String]] = [
            "nominate": ["officer_name set", "officer_position set"],
            "approve": ["project set", "planned_start set", "planned_end set", "planned_end > planned_start"],
            "decline": ["reason given"],
            "start": ["actual_start set"],
            "extend": ["a new planned_end later than the current one"],
            "conclude": ["actual_end set", "actual_end ≥ actual_start"],
            "report": ["deliverables set"],
            "cancel": ["reason given"],
        ]
        for transition in workflow.transitions {
            #expect(transition.guards.map(\.name) == expected[transition.name] ?? [], "\(transition.name)")
        }
    }

    @Test func timersWatchTheActivePlacementsPlannedEndAndTheReportAfterConclusion() {
        struct Timer: Equatable {
            let state: String
            let deadline: TimerDefinition.Deadline
            let action: TimerDefinition.Action
        }
        #expect(workflow.timers.map { Timer(state: $0.state, deadline: $0.deadline, action: $0.action) } == [
            Timer(state: "active", deadline: .onField("planned_end", plusDays: 1), action: .markOverdue),
            Timer(state: "concluded", deadline: .daysInState(30), action: .markOverdue),
        ])
        #expect(workflow.states.allSatisfy { workflow.timerTransitions(from: $0.name).isEmpty })
    }
}
