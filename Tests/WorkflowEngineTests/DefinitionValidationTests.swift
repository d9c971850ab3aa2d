import Foundation
import Testing
import WorkflowEngine

/// A small sound workflow, taken apart by each test: draft → review → done.
enum Sample {
    static let fields = [
        FieldDefinition("title", .string),
        FieldDefinition("due_on", .date),
        FieldDefinition("pages", .int),
    ]

    static let states: [StateDefinition] = [.initial("draft"), .init("review"), .terminal("done")]

    static let transitions = [
        TransitionDefinition("send", from: ["draft"], to: .state("review"), roles: [.caseworker], guards: [.isSet("title")]),
        TransitionDefinition("accept", from: ["review"], to: .state("done"), roles: [.approver], guards: [.notActorOfLatest("send")]),
        TransitionDefinition("withdraw", from: ["draft", "review"], to: .state("done"), roles: [.caseworker]),
    ]

    static let timers = [TimerDefinition(in: "review", .onField("due_on", plusDays: 0), .fire("accept"))]

    static func workflow(
        states: [StateDefinition] = states, transitions: [TransitionDefinition] = transitions,
        fields: [FieldDefinition] = fields, timers: [TimerDefinition] = timers
    ) -> WorkflowDefinition {
        WorkflowDefinition(
            id: "sample", referencePrefix: "SMP", title: "Sample", states: states, transitions: transitions,
            fields: fields, timers: timers)
    }

    /// The problems validation finds, or none.
    static func problems(of workflow: WorkflowDefinition) -> [String] {
        do {
            try workflow.validate()
            return []
        } catch {
            return error.problems
        }
    }
}

/// Registration refuses an unsound definition, naming every culprit at once.
@Suite("Definition validation")
struct DefinitionValidationTests {
    @Test func aSoundDefinitionValidates() throws {
        try Sample.workflow().validate()
    }

    @Test func anUnreachableStateIsNamed() {
        let workflow = Sample.workflow(
            states: Sample.states + [.init("limbo")],
            transitions: Sample.transitions + [TransitionDefinition("leave", from: ["limbo"], to: .state("done"), roles: [.caseworker])])
        #expect(Sample.problems(of: workflow) == ["state limbo cannot be reached from the initial state draft"])
    }

    @Test func aStateReachedOnlyThroughPreviousIsStillReachableFromWhereItWasEntered() throws {
        let workflow = Sample.workflow(
            states: Sample.states + [.init("paused")],
            transitions: Sample.transitions + [
                TransitionDefinition("pause", from: ["review"], to: .state("paused"), roles: [.caseworker]),
                TransitionDefinition("resume", from: ["paused"], to: .previous, roles: [.caseworker]),
            ])
        try workflow.validate()
    }

    @Test func aNonTerminalStateWithNoWayOutIsNamed() {
        let workflow = Sample.workflow(
            states: Sample.states + [.init("stuck")],
            transitions: Sample.transitions + [TransitionDefinition("park", from: ["review"], to: .state("stuck"), roles: [.caseworker])])
        #expect(Sample.problems(of: workflow) == ["state stuck is not terminal but has no transition out"])
    }

    @Test func aTerminalStateWithAWayOutIsNamed() {
        let workflow = Sample.workflow(
            transitions: Sample.transitions + [TransitionDefinition("reopen", from: ["done"], to: .state("draft"), roles: [.caseworker])])
        #expect(Sample.problems(of: workflow) == ["transition reopen leaves terminal state done"])
    }

    @Test func aTransitionNameDeclaredTwiceFromOneStateIsNamed() {
        let workflow = Sample.workflow(
            transitions: Sample.transitions + [TransitionDefinition("send", from: ["draft"], to: .state("done"), roles: [.caseworker])])
        #expect(Sample.problems(of: workflow) == ["transition send is declared twice from state draft"])
    }

    @Test func oneTransitionNameMayLeaveSeveralStates() throws {
        let workflow = Sample.workflow(
            transitions: Sample.transitions + [TransitionDefinition("send", from: ["review"], to: .state("review"), roles: [.caseworker])])
        try workflow.validate()
    }

    @Test func aGuardOnAnUndeclaredFieldIsNamedEvenInsideAnotherCondition() {
        let workflow = Sample.workflow(transitions: Sample.transitions + [
            TransitionDefinition("publish", from: ["review"], to: .state("done"), roles: [.caseworker], guards: [
                .isSet("colour"),
                .implies(.oneOf("title", ["x"]), .compare("pages", .greater, .field("word_count"))),
            ]),
        ])
        #expect(Sample.problems(of: workflow) == [
            "transition publish: guard 'colour set' refers to undeclared field colour",
            "transition publish: guard 'title = x ⇒ pages > word_count' refers to undeclared field word_count",
        ])
    }

    @Test func aFourEyesGuardOnAnUndeclaredTransitionIsNamed() {
        let workflow = Sample.workflow(transitions: Sample.transitions + [
            TransitionDefinition("sign", from: ["review"], to: .state("done"), roles: [.approver], guards: [.notActorOfLatest("submit")]),
        ])
        #expect(Sample.problems(of: workflow) == [
            "transition sign: guard 'not the user who made the latest submit (four eyes)' refers to undeclared transition submit",
        ])
    }

    @Test func timersOnUndeclaredStatesTransitionsOrDateFieldsAreNamed() {
        let workflow = Sample.workflow(timers: [
            TimerDefinition(in: "limbo", .daysInState(3)),
            TimerDefinition(in: "review", .daysInState(3), .fire("escalate")),
            TimerDefinition(in: "review", .daysInState(3), .fire("send")),
            TimerDefinition(in: "draft", .onField("pages", plusDays: 1)),
            TimerDefinition(in: "draft", .onField("deadline", plusDays: 1)),
            TimerDefinition(in: "done", .daysInState(3)),
        ])
        #expect(Sample.problems(of: workflow) == [
            "timer in limbo refers to undeclared state limbo",
            "timer in review fires escalate, which does not leave review",
            "timer in review fires send, which does not leave review",
            "timer in draft refers to pages, which is not a declared date field",
            "timer in draft refers to deadline, which is not a declared date field",
            "timer in done: a terminal state cannot have a timer",
        ])
    }

    @Test func twoInitialStatesAreRefusedNamingBoth() {
        let workflow = Sample.workflow(states: [.initial("draft"), .initial("review"), .terminal("done")])
        let problems = Sample.problems(of: workflow)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("exactly one initial state is needed, found 2") == true)
        #expect(problems.first?.contains("draft") == true && problems.first?.contains("review") == true)
    }

    @Test func aWorkflowWithoutAnInitialStateIsRefused() {
        let workflow = Sample.workflow(states: [.init("draft"), .init("review"), .terminal("done")])
        #expect(Sample.problems(of: workflow).contains { $0.hasPrefix("exactly one initial state is needed, found 0") })
    }

    @Test func undeclaredStatesRolesAndDuplicatesAreNamed() {
        let workflow = Sample.workflow(
            states: Sample.states + [.terminal("done")],
            transitions: Sample.transitions + [
                TransitionDefinition("jump", from: ["nowhere"], to: .state("elsewhere"), roles: []),
                TransitionDefinition("auto", from: ["review"], to: .state("done"), roles: [.system]),
            ],
            fields: Sample.fields + [FieldDefinition("title", .text)])
        #expect(Sample.problems(of: workflow) == [
            "state done is declared twice",
            "field title is declared twice",
            "transition jump leaves undeclared state nowhere",
            "transition jump leads to undeclared state elsewhere",
            "transition jump must name at least one role, and not system (timers grant system)",
            "transition auto must name at least one role, and not system (timers grant system)",
        ])
    }

    @Test func everyProblemIsReportedAtOnceUnderTheWorkflowsName() {
        let workflow = Sample.workflow(
            states: Sample.states + [.init("limbo")],
            transitions: Sample.transitions + [TransitionDefinition("reopen", from: ["done"], to: .state("draft"), roles: [.caseworker])])
        let error = #expect(throws: DefinitionError.self) { try workflow.validate() }
        #expect(error?.workflow == "sample")
        #expect(error?.problems.count == 3)
        #expect(error?.description.hasPrefix("workflow sample is invalid:\n  - ") == true)
    }

    @Test func theRegistryRefusesAnInvalidWorkflowAndAnIdRegisteredTwice() {
        struct Module: WorkflowModule {
            let name: String
            let workflows: [WorkflowDefinition]
        }
        let broken = Sample.workflow(states: [.initial("draft"), .init("review")])
        #expect(throws: DefinitionError.self) { try WorkflowRegistry(modules: [Module(name: "a", workflows: [broken])]) }
        let twice = #expect(throws: DefinitionError.self) {
            try WorkflowRegistry(modules: [Module(name: "a", workflows: [Sample.workflow()]), Module(name: "b", workflows: [Sample.workflow()])])
        }
        #expect(twice?.problems == ["workflow id registered by two modules"])
    }

    @Test func anUnknownWorkflowIsNotFoundNamingTheKnownOnes() throws {
        struct Module: WorkflowModule {
            let name = "sample"
            var workflows: [WorkflowDefinition] { [Sample.workflow()] }
        }
        let registry = try WorkflowRegistry(modules: [Module()])
        let error = #expect(throws: WorkflowError.self) { try registry.workflow("avr") }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains("known workflows: sample") == true)
    }

    // MARK: - What registration refuses since issue 9

    struct Module: WorkflowModule {
        let name = "m"
        let workflows: [WorkflowDefinition]
    }

    /// A sample workflow under another id, reference prefix and parent.
    static func workflow(
        id: String, prefix: String, parent: String? = nil, transitions: [TransitionDefinition] = Sample.transitions
    ) -> WorkflowDefinition {
        WorkflowDefinition(id: id, referencePrefix: prefix, title: id, states: Sample.states, transitions: transitions,
                           fields: Sample.fields + [FieldDefinition("colour", .enumeration(["red", "green"])),
                                                    FieldDefinition("tags", .list(.enumeration(["urgent", "late"]))),
                                                    FieldDefinition("signed", .bool)],
                           parentWorkflow: parent)
    }

    @Test func aGuardNamingAValueItsFieldCannotHoldIsNamed() {
        let workflow = Self.workflow(id: "sample", prefix: "SMP", transitions: Sample.transitions + [
            TransitionDefinition("paint", from: ["review"], to: .state("done"), roles: [.caseworker], guards: [
                .oneOf("colour", ["red", "blue"]),
                .implies(.contains("tags", ["urgnet"]), .oneOf("signed", ["yes"])),
                .compare("colour", .notEqual, .value(.string("purple"))),
                .oneOf("title", ["anything"]),  // free text: any value may be named
            ]),
        ])
        #expect(Sample.problems(of: workflow) == [
            "transition paint: guard 'colour red or blue' names blue, which is not a value of colour (values: red, green)",
            "transition paint: guard 'tags has urgnet ⇒ signed = yes' names urgnet, which is not a value of tags (values: urgent, late)",
            "transition paint: guard 'tags has urgnet ⇒ signed = yes' names yes, which is not a value of signed (values: true, false)",
            "transition paint: guard 'colour ≠ purple' names purple, which is not a value of colour (values: red, green)",
        ])
    }

    @Test func aParentStateTheParentWorkflowLacksIsRefusedAtRegistration() throws {
        let parent = Self.workflow(id: "sample", prefix: "SMP")
        let launch = { (states: [String]) in
            TransitionDefinition("launch", from: ["draft"], to: .state("review"), roles: [.caseworker], guards: [.parentIn(states)])
        }
        let child = Self.workflow(id: "child", prefix: "CHD", parent: "sample", transitions: Sample.transitions + [launch(["review", "running"])])
        try child.validate()  // on its own it cannot know its parent's states
        let error = #expect(throws: DefinitionError.self) {
            try WorkflowRegistry(modules: [Module(workflows: [parent, child])])
        }
        #expect(error?.workflow == "child")
        #expect(error?.problems == [
            "transition launch: guard 'parent review or running' names running, which is not a state of the parent workflow sample (states: draft, review, done)",
        ])
        let sound = Self.workflow(id: "child", prefix: "CHD", parent: "sample", transitions: Sample.transitions + [launch(["review"])])
        _ = try WorkflowRegistry(modules: [Module(workflows: [parent, sound])])
    }

    @Test func twoWorkflowsSharingAReferencePrefixAreRefusedNamingBoth() throws {
        for prefix in ["SMP", "smp"] {
            let error = #expect(throws: DefinitionError.self) {
                try WorkflowRegistry(modules: [
                    Module(workflows: [Self.workflow(id: "sample", prefix: "SMP")]),
                    Module(workflows: [Self.workflow(id: "other", prefix: prefix)]),
                ])
            }
            #expect(error?.workflow == "other")
            #expect(error?.problems == ["reference prefix \(prefix) is already used by workflow sample: each workflow needs its own"])
        }
        // A prefix that merely starts another (JPA, JPAOP) is a different prefix: references keep them apart.
        _ = try WorkflowRegistry(modules: [Module(workflows: [Self.workflow(id: "sample", prefix: "SMP"), Self.workflow(id: "other", prefix: "SMPX")])])
    }

    @Test func updateRulesNamingUndeclaredOrTerminalStatesOrNoRoleAreNamed() {
        let workflow = Sample.workflow(fields: [
            FieldDefinition("title", .string, updatableIn: ["draft", "limbo", "done"]),
            FieldDefinition("pages", .int, updatableBy: []),
            FieldDefinition("due_on", .date, updatableBy: [.system]),
        ])
        #expect(Sample.problems(of: workflow) == [
            "field title is updatable in undeclared state limbo",
            "field title is updatable in terminal state done, where nothing changes",
            "field pages must name at least one role that updates it, and not system",
            "field due_on must name at least one role that updates it, and not system",
        ])
    }

    @Test func anInvariantOnAnUndeclaredFieldIsNamed() {
        let workflow = WorkflowDefinition(
            id: "sample", referencePrefix: "SMP", title: "Sample", states: Sample.states, transitions: Sample.transitions,
            fields: Sample.fields, timers: Sample.timers,
            invariants: [.compare("due_on", .greaterOrEqual, .field("starts_on")), .reasonGiven])
        #expect(Sample.problems(of: workflow) == [
            "invariant 'due_on ≥ starts_on' refers to undeclared field starts_on",
            "invariant 'reason given' reads no field: invariants are conditions on a case's fields",
        ])
    }
}
