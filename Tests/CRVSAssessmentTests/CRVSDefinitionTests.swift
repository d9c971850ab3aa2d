import CRVSAssessment
import Foundation
import Testing
import WorkflowEngine

/// The `crvs` definition matches MODULES.md: names are part of the CLI contract.
@Suite("CRVS definition")
struct CRVSDefinitionTests {
    let workflow = CRVS.workflow

    static let open = ["requested", "inception", "data_collection", "analysis", "validation", "endorsed", "published", "follow_up", "suspended"]

    @Test func definitionValidates() throws {
        try workflow.validate()
    }

    @Test func moduleRegistersTheCrvsWorkflowAndTheAccessReport() throws {
        let module = CRVSAssessmentModule()
        #expect(module.name == "crvs")
        #expect(!module.summary.isEmpty && !module.summary.contains("\n"))
        let registry = try WorkflowRegistry(modules: [module])
        #expect(registry.workflows.map(\.id) == ["crvs"])
        #expect(registry.workflow(referencePrefix: "CRVS")?.id == "crvs")
        #expect(registry.reports.map(\.name) == ["crvs.access"])
        #expect(registry.reports.map(\.workflow) == ["crvs"])
    }

    @Test func statesAreInSpecOrderWithTheirKinds() {
        let expected: [(String, StateDefinition.Kind)] = [
            ("requested", .initial), ("inception", .intermediate), ("data_collection", .intermediate),
            ("analysis", .intermediate), ("validation", .intermediate), ("endorsed", .intermediate),
            ("published", .intermediate), ("follow_up", .intermediate), ("completed", .terminal),
            ("withdrawn", .terminal), ("suspended", .intermediate),
        ]
        #expect(workflow.states.map(\.name) == expected.map(\.0))
        #expect(workflow.states.map(\.kind) == expected.map(\.1))
    }

    @Test func fieldsHaveTheirTypesAndOneOpenAssessmentPerCountry() {
        let expected: [(String, String)] = [
            ("country", "country"), ("lead_agency", "string"), ("government_focal_point", "string"), ("partners", "text"),
            ("population_groups", "list(enum(asylum_seekers, refugees, stateless_persons, undetermined_nationality, undocumented_persons))"),
            ("vital_events", "list(enum(birth, death, marriage, divorce))"),
            ("toolkit_version", "string"), ("access", "json"), ("key_findings", "text"), ("recommendations", "text"),
            ("endorsed_on", "date"), ("endorsed_by", "string"), ("report_reference", "string"), ("action_plan", "text"),
        ]
        #expect(workflow.fields.map(\.name) == expected.map(\.0))
        for (name, type) in expected { #expect(workflow.field(name)?.type.name == type, "\(name)") }
        #expect(workflow.fields.filter(\.requiredAtOpen).map(\.name) == ["country"])
        #expect(workflow.fields.filter { $0.unique != nil }.map(\.name) == ["country"])
        #expect(workflow.field("country")?.unique == .whileOpen)
        #expect(workflow.fields.filter { $0.dataClass != .ordinary }.map(\.name) == ["government_focal_point"])
        #expect(workflow.field("government_focal_point")?.dataClass == .personal)
        #expect(workflow.fields.filter { $0.check != nil }.map(\.name) == ["access"])
    }

    @Test func transitionsLeadFromAndToTheSpecifiedStatesForTheSpecifiedRoles() {
        let expected: [(String, [String], String, [Role])] = [
            ("start_inception", ["requested"], "inception", [.coordinator]),
            ("start_data_collection", ["inception"], "data_collection", [.coordinator]),
            ("start_analysis", ["data_collection"], "analysis", [.coordinator]),
            ("submit_findings", ["analysis"], "validation", [.coordinator]),
            ("request_revision", ["validation"], "analysis", [.coordinator]),
            ("endorse", ["validation"], "endorsed", [.coordinator]),
            ("publish", ["endorsed"], "published", [.coordinator]),
            ("start_follow_up", ["published"], "follow_up", [.coordinator]),
            ("complete", ["follow_up"], "completed", [.coordinator]),
            ("suspend", ["inception", "data_collection", "analysis", "validation"], "suspended", [.coordinator]),
            ("resume", ["suspended"], "(previous)", [.coordinator]),
            ("withdraw", Self.open, "withdrawn", [.manager]),
        ]
        #expect(workflow.transitions.map(\.name) == expected.map(\.0))
        for (name, from, to, roles) in expected {
            let transition = workflow.transitions.first { $0.name == name }
            #expect(transition?.from == from, "\(name)")
            #expect(transition?.to.label == to, "\(name)")
            #expect(transition?.roles == roles, "\(name)")
        }
        #expect(workflow.transitions.first { $0.name == "resume" }?.to == .previous)
    }

    @Test func withdrawalLeavesEveryNonTerminalState() {
        let nonTerminal = workflow.states.filter { $0.kind != .terminal }.map(\.name)
        #expect(workflow.transitions.first { $0.name == "withdraw" }?.from == nonTerminal)
    }

    @Test func guardsReadAsTheSpecWritesThem() {
        let expected: [String: [String]] = [
            "start_inception": ["lead_agency set"],
            "start_data_collection": ["population_groups set", "vital_events set", "government_focal_point set"],
            "start_analysis": ["access covers every chosen group × event"],
            "submit_findings": ["key_findings set", "recommendations set"],
            "request_revision": ["reason given"],
            "endorse": ["endorsed_on set", "endorsed_by set"],
            "publish": ["report_reference set"],
            "start_follow_up": ["action_plan set"],
            "suspend": ["reason given"],
            "withdraw": ["reason given"],
        ]
        for transition in workflow.transitions {
            #expect(transition.guards.map(\.name) == expected[transition.name] ?? [], "\(transition.name)")
        }
        let coverage = workflow.transition("start_analysis", from: "data_collection")?.guards.first
        #expect(coverage?.fields == ["access", "population_groups", "vital_events"])
    }

    @Test func timersWatchTheSpecifiedStatesAndFireNothing() {
        struct Timer: Equatable {
            let state: String
            let deadline: TimerDefinition.Deadline
            let action: TimerDefinition.Action
        }
        #expect(workflow.timers.map { Timer(state: $0.state, deadline: $0.deadline, action: $0.action) } == [
            Timer(state: "data_collection", deadline: .daysInState(90), action: .markOverdue),
            Timer(state: "validation", deadline: .daysInState(60), action: .markOverdue),
            Timer(state: "endorsed", deadline: .daysInState(180), action: .markOverdue),
            Timer(state: "suspended", deadline: .daysInState(180), action: .markOverdue),
        ])
    }
}
