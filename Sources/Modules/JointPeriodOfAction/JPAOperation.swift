import WorkflowEngine

extension JPA {
    /// The `jpa.operation` workflow: one country-led operation within a period, with its outcome counts.
    ///
    /// Outcomes are counts only: an operation never holds the names of suspects or victims.
    public static let operation = WorkflowDefinition(
        id: "jpa.operation",
        referencePrefix: "JPAOP",
        title: "Joint Period of Action operation",
        states: operationStates,
        transitions: operationTransitions,
        fields: operationFields,
        parentWorkflow: "jpa.period",
        outcomes: OutcomeCounters(outcomeNames, recordableIn: ["active", "judicial", "concluded"])
    )

    /// Outcome counters, as MODULES.md lists them.
    static let outcomeNames = [
        "suspects_identified", "arrests", "investigations_launched", "prosecutions",
        "convictions", "victims_identified", "networks_disrupted",
    ]

    /// Values of `target`.
    static let targets = ["people_smuggling", "trafficking_in_persons", "online_child_sexual_exploitation", "mixed"]

    /// Who leads an operation is settled before it is launched; countries and target may still change while it runs;
    /// the summary is written until it ends.
    static let operationFields: [FieldDefinition] = [
        FieldDefinition("name", .string, requiredAtOpen: true, updatableIn: ["planned"]),
        FieldDefinition("lead_country", .country, requiredAtOpen: true, updatableIn: ["planned"]),
        FieldDefinition("participating_countries", .list(.country), updatableIn: ["planned", "active"]),
        FieldDefinition("target", .enumeration(targets), updatableIn: ["planned", "active"]),
        FieldDefinition("summary", .text),
    ]

    // Definition order is the order of metrics output: keep it as MODULES.md lists it.
    static let operationStates: [StateDefinition] = [
        .initial("planned", "operation prepared"),
        .init("active", .intermediate, "operation under way"),
        .init("judicial", .intermediate, "cases before the courts"),
        .terminal("concluded", "operation over; convictions may still be recorded"),
        .terminal("cancelled", "the operation did not take place"),
    ]

    static let operationTransitions: [TransitionDefinition] = [
        TransitionDefinition(
            "launch", from: ["planned"], to: .state("active"), roles: [.coordinator], guards: [.parentIn(["active"])]),
        TransitionDefinition(
            "refer_for_prosecution", from: ["active"], to: .state("judicial"), roles: [.coordinator],
            guards: [.outcome("arrests", .greater, 0)]),
        TransitionDefinition("conclude", from: ["active", "judicial"], to: .state("concluded"), roles: [.coordinator]),
        TransitionDefinition(
            "cancel", from: ["planned"], to: .state("cancelled"), roles: [.coordinator], guards: [.reasonGiven]),
    ]
}
