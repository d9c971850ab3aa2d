import AVRR
import Foundation
import Testing
import WorkflowEngine

/// The `avrr` definition matches MODULES.md: names are part of the CLI contract.
@Suite("AVRR definition")
struct AVRRDefinitionTests {
    let workflow = AVRR.workflow

    @Test func definitionValidates() throws {
        try workflow.validate()
    }

    @Test func moduleRegistersTheAvrrWorkflowUnderItsPrefix() throws {
        let module = AVRRModule()
        #expect(module.name == "avrr")
        #expect(!module.summary.isEmpty && !module.summary.contains("\n"))
        let registry = try WorkflowRegistry(modules: [module])
        #expect(try registry.workflow("avrr").id == "avrr")
        #expect(registry.workflow(referencePrefix: "AVRR")?.id == "avrr")
        #expect(workflow.referencePrefix == "AVRR")
    }

    @Test func statesAreInSpecOrderWithTheirKinds() {
        let expected: [(String, StateDefinition.Kind)] = [
            ("registered", .initial), ("counselling", .intermediate), ("awaiting_approval", .intermediate),
            ("approved", .intermediate), ("travel_arranged", .intermediate), ("returned", .intermediate),
            ("reintegration", .intermediate), ("monitoring", .intermediate), ("closed", .terminal),
            ("withdrawn", .terminal), ("rejected", .terminal), ("referred", .terminal), ("not_departed", .terminal),
            ("lost_contact", .terminal), ("on_hold", .intermediate),
        ]
        #expect(workflow.states.map(\.name) == expected.map(\.0))
        #expect(workflow.states.map(\.kind) == expected.map(\.1))
    }

    @Test func fieldsHaveTheirTypesClassesAndOpeningRequirements() {
        let expected: [(String, String, DataClass, Bool)] = [
            ("full_name", "string", .personal, true),
            ("date_of_birth", "date", .personal, false),
            ("sex", "enum(female, male, other, unknown)", .ordinary, false),
            ("nationality", "country", .ordinary, false),
            ("host_country", "country", .ordinary, true),
            ("destination_country", "country", .ordinary, false),
            ("category", "enum(irregular_migrant, stranded_migrant, asylum_seeker, rejected_asylum_seeker, refugee, stateless, victim_of_trafficking, other)", .sensitive, true),
            ("vulnerabilities", "list(enum(unaccompanied_child, separated_child, medical, disability, elderly, pregnant, single_parent, victim_of_trafficking, survivor_of_violence))", .sensitive, false),
            ("household_ref", "string", .ordinary, false),
            ("consent_signed_on", "date", .ordinary, false),
            ("unhcr_clearance", "enum(not_required, pending, granted, refused)", .sensitive, false),
            ("best_interests_determination", "enum(not_required, pending, completed)", .sensitive, false),
            ("travel_document", "enum(none, expired, valid, emergency_issued)", .ordinary, false),
            ("travel_document_number", "string", .personal, false),
            ("exit_clearance", "enum(not_required, pending, granted, refused)", .ordinary, false),
            ("departure_date", "date", .ordinary, false),
            ("arrival_date", "date", .ordinary, false),
            ("reintegration_plan", "text", .sensitive, false),
            ("fit_to_travel", "bool", .sensitive, false),
            ("reintegration_grant_usd", "decimal", .ordinary, false),
        ]
        #expect(workflow.fields.map(\.name) == expected.map(\.0))
        for (name, type, dataClass, required) in expected {
            let field = workflow.field(name)
            #expect(field?.type.name == type, "\(name)")
            #expect(field?.dataClass == dataClass, "\(name)")
            #expect(field?.requiredAtOpen == required, "\(name)")
        }
    }

    @Test func onlyTheGrantHasAMinimumAndItIsZero() {
        #expect(workflow.field("reintegration_grant_usd")?.minimum == 0)
        #expect(workflow.fields.filter { $0.minimum != nil }.map(\.name) == ["reintegration_grant_usd"])
    }

    @Test func transitionsLeadFromAndToTheSpecifiedStatesForTheSpecifiedRoles() {
        let expected: [(String, [String], String, [Role])] = [
            ("start_counselling", ["registered"], "counselling", [.caseworker]),
            ("submit", ["counselling"], "awaiting_approval", [.caseworker]),
            ("approve", ["awaiting_approval"], "approved", [.approver]),
            ("reject", ["awaiting_approval"], "rejected", [.approver]),
            ("return_to_counselling", ["awaiting_approval"], "counselling", [.approver]),
            ("arrange_travel", ["approved"], "travel_arranged", [.caseworker]),
            ("reschedule", ["travel_arranged"], "approved", [.caseworker]),
            ("confirm_return", ["travel_arranged"], "returned", [.caseworker]),
            ("start_reintegration", ["returned"], "reintegration", [.caseworker]),
            ("start_monitoring", ["reintegration"], "monitoring", [.caseworker]),
            ("close", ["returned", "monitoring"], "closed", [.caseworker]),
            ("mark_not_departed", ["travel_arranged"], "not_departed", [.caseworker]),
            ("withdraw", ["registered", "counselling", "awaiting_approval", "approved", "travel_arranged", "on_hold"], "withdrawn", [.caseworker]),
            ("refer", ["registered", "counselling", "awaiting_approval"], "referred", [.caseworker]),
            ("mark_lost_contact", ["registered", "counselling", "awaiting_approval", "approved", "on_hold"], "lost_contact", [.caseworker]),
            ("hold", ["counselling", "awaiting_approval", "approved", "travel_arranged"], "on_hold", [.caseworker]),
            ("resume", ["on_hold"], "(previous)", [.caseworker]),
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

    @Test func guardsReadAsTheSpecWritesThem() {
        let expected: [String: [String]] = [
            "submit": [
                "consent_signed_on set", "destination_country set", "destination_country ≠ host_country", "travel_document set",
                "category asylum_seeker or refugee ⇒ unhcr_clearance = granted",
                "vulnerabilities has unaccompanied_child or separated_child ⇒ best_interests_determination = completed",
            ],
            "approve": ["not the user who made the latest submit (four eyes)"],
            "arrange_travel": [
                "departure_date set", "travel_document valid or emergency_issued", "exit_clearance granted or not_required",
                "vulnerabilities has medical ⇒ fit_to_travel = true",
            ],
            "confirm_return": ["arrival_date set", "arrival_date ≥ departure_date"],
            "start_reintegration": ["reintegration_plan set"],
        ]
        let reasonOnly = ["reject", "return_to_counselling", "reschedule", "mark_not_departed", "withdraw", "refer", "mark_lost_contact", "hold"]
        for transition in workflow.transitions {
            let names = transition.guards.map(\.name)
            if reasonOnly.contains(transition.name) {
                #expect(names == ["reason given"], "\(transition.name)")
            } else {
                #expect(names == expected[transition.name] ?? [], "\(transition.name)")
            }
        }
    }

    /// Registration checks field names but not values: a misspelt value would make a guard that never holds.
    @Test func everyValueAGuardNamesIsAValueOfItsField() {
        func problems(_ condition: Condition) -> [String] {
            switch condition {
            case .oneOf(let field, let values), .contains(let field, let values):
                let allowed: [String]
                switch workflow.field(field)?.type {
                case .enumeration(let options), .list(.enumeration(let options)): allowed = options
                case .bool: allowed = ["true", "false"]
                default: return ["\(field) is not an enum or bool field"]
                }
                return values.filter { !allowed.contains($0) }.map { "\(field) has no value \($0)" }
            case .implies(let premise, let conclusion):
                return problems(premise) + problems(conclusion)
            default:
                return []
            }
        }
        #expect(workflow.transitions.flatMap(\.guards).flatMap(problems) == [])
    }

    @Test func timersWatchTheSpecifiedStates() {
        struct Timer: Equatable {
            let state: String
            let deadline: TimerDefinition.Deadline
            let action: TimerDefinition.Action
        }
        #expect(workflow.timers.map { Timer(state: $0.state, deadline: $0.deadline, action: $0.action) } == [
            Timer(state: "awaiting_approval", deadline: .daysInState(14), action: .markOverdue),
            Timer(state: "approved", deadline: .daysInState(30), action: .markOverdue),
            Timer(state: "travel_arranged", deadline: .onField("departure_date", plusDays: 7), action: .markOverdue),
            Timer(state: "on_hold", deadline: .daysInState(30), action: .markOverdue),
            Timer(state: "monitoring", deadline: .daysInState(365), action: .fire("close")),
        ])
        #expect(workflow.timerTransitions(from: "monitoring") == ["close"])
    }
}
