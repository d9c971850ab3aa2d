import Foundation
import JointPeriodOfAction
import Testing
import WorkflowEngine

/// `jpa.period` and `jpa.operation` match MODULES.md: names are part of the CLI contract.
@Suite("JPA definitions")
struct JPADefinitionTests {
    struct Timer: Equatable {
        let state: String
        let deadline: TimerDefinition.Deadline
        let action: TimerDefinition.Action
    }

    @Test func bothDefinitionsValidate() throws {
        try JPA.period.validate()
        try JPA.operation.validate()
    }

    @Test func moduleRegistersThePeriodAndItsOperationsUnderTheirPrefixes() throws {
        let module = JointPeriodOfActionModule()
        #expect(module.name == "jpa")
        #expect(!module.summary.isEmpty && !module.summary.contains("\n"))
        let registry = try WorkflowRegistry(modules: [module])
        #expect(registry.workflows.map(\.id) == ["jpa.period", "jpa.operation"])
        #expect(registry.workflow(referencePrefix: "JPA")?.id == "jpa.period")
        #expect(registry.workflow(referencePrefix: "JPAOP")?.id == "jpa.operation")
        #expect(JPA.operation.parentWorkflow == "jpa.period")
        #expect(JPA.period.parentWorkflow == nil)
    }

    @Test func periodStatesAreInSpecOrderWithTheirKinds() {
        #expect(JPA.period.states.map(\.name) == ["planned", "active", "concluded", "reported", "cancelled"])
        #expect(JPA.period.states.map(\.kind) == [.initial, .intermediate, .intermediate, .terminal, .terminal])
    }

    @Test func operationStatesAreInSpecOrderWithTheirKinds() {
        #expect(JPA.operation.states.map(\.name) == ["planned", "active", "judicial", "concluded", "cancelled"])
        #expect(JPA.operation.states.map(\.kind) == [.initial, .intermediate, .intermediate, .terminal, .terminal])
    }

    @Test func periodFieldsHaveTheirTypesAndTheNameIsRequiredAndNeverReused() {
        let expected: [(String, String)] = [
            ("name", "string"), ("starts_on", "date"), ("ends_on", "date"),
            ("participating_countries", "list(country)"), ("report_summary", "text"),
        ]
        #expect(JPA.period.fields.map(\.name) == expected.map(\.0))
        for (name, type) in expected { #expect(JPA.period.field(name)?.type.name == type, "\(name)") }
        #expect(JPA.period.fields.filter(\.requiredAtOpen).map(\.name) == ["name"])
        #expect(JPA.period.field("name")?.unique == .always)
        #expect(JPA.period.fields.allSatisfy { $0.dataClass == .ordinary })
    }

    @Test func operationFieldsHaveTheirTypesAndHoldNoPersonalData() {
        let expected: [(String, String)] = [
            ("name", "string"), ("lead_country", "country"), ("participating_countries", "list(country)"),
            ("target", "enum(people_smuggling, trafficking_in_persons, online_child_sexual_exploitation, mixed)"),
            ("summary", "text"),
        ]
        #expect(JPA.operation.fields.map(\.name) == expected.map(\.0))
        for (name, type) in expected { #expect(JPA.operation.field(name)?.type.name == type, "\(name)") }
        #expect(JPA.operation.fields.filter(\.requiredAtOpen).map(\.name) == ["name", "lead_country"])
        #expect(JPA.operation.fields.allSatisfy { $0.dataClass == .ordinary && $0.unique == nil })
    }

    @Test func operationsCountOutcomesInActiveJudicialAndConcluded() {
        #expect(JPA.operation.outcomes?.names == [
            "suspects_identified", "arrests", "investigations_launched", "prosecutions",
            "convictions", "victims_identified", "networks_disrupted",
        ])
        #expect(JPA.operation.outcomes?.states == ["active", "judicial", "concluded"])
        #expect(JPA.period.outcomes == nil)
    }

    @Test func transitionsLeadFromAndToTheSpecifiedStatesForCoordinators() {
        let period: [(String, [String], String)] = [
            ("start", ["planned"], "active"), ("extend", ["active"], "active"), ("conclude", ["active"], "concluded"),
            ("report", ["concluded"], "reported"), ("cancel", ["planned"], "cancelled"),
        ]
        let operation: [(String, [String], String)] = [
            ("launch", ["planned"], "active"), ("refer_for_prosecution", ["active"], "judicial"),
            ("conclude", ["active", "judicial"], "concluded"), ("cancel", ["planned"], "cancelled"),
        ]
        for (workflow, expected) in [(JPA.period, period), (JPA.operation, operation)] {
            #expect(workflow.transitions.map(\.name) == expected.map(\.0))
            for (name, from, to) in expected {
                let transition = workflow.transitions.first { $0.name == name }
                #expect(transition?.from == from, "\(workflow.id) \(name)")
                #expect(transition?.to.label == to, "\(workflow.id) \(name)")
                #expect(transition?.roles == [.coordinator], "\(workflow.id) \(name)")
            }
        }
    }

    @Test func guardsReadAsTheSpecWritesThem() {
        let expected: [String: [String]] = [
            "jpa.period start": ["starts_on set", "ends_on set", "ends_on ≥ starts_on", "participating_countries set"],
            "jpa.period extend": ["a new ends_on later than the current one", "reason given"],
            "jpa.period report": ["report_summary set"],
            "jpa.period cancel": ["reason given"],
            "jpa.operation launch": ["parent active"],
            "jpa.operation refer_for_prosecution": ["arrests > 0"],
            "jpa.operation cancel": ["reason given"],
        ]
        for workflow in [JPA.period, JPA.operation] {
            for transition in workflow.transitions {
                let key = "\(workflow.id) \(transition.name)"
                #expect(transition.guards.map(\.name) == expected[key] ?? [], "\(key)")
            }
        }
    }

    @Test func theSystemConcludesAnActivePeriodWhenItsLastDayIsOver() {
        #expect(JPA.period.timers.map { Timer(state: $0.state, deadline: $0.deadline, action: $0.action) } == [
            Timer(state: "active", deadline: .onField("ends_on", plusDays: 1), action: .fire("conclude")),
        ])
        #expect(JPA.period.timerTransitions(from: "active") == ["conclude"])
        #expect(JPA.operation.timers.isEmpty)
    }
}
