import WorkflowEngine

extension JPA {
    /// The `jpa.period` workflow: a coordinated period, planned, run, concluded and reported.
    public static let period = WorkflowDefinition(
        id: "jpa.period",
        referencePrefix: "JPA",
        title: "Joint Period of Action",
        states: periodStates,
        transitions: periodTransitions,
        fields: periodFields,
        timers: periodTimers,
        // Whichever way the dates change (open, update, start, extend), the period never ends before it starts.
        invariants: [.compare("ends_on", .greaterOrEqual, .field("starts_on"))]
    )

    /// The dates are agreed while the period is planned (the `start` guards check them); once it runs, only
    /// `extend` moves its end, later and with a reason.
    static let periodFields: [FieldDefinition] = [
        FieldDefinition("name", .string, requiredAtOpen: true, unique: .always, updatableIn: ["planned"],
                        summary: "e.g. JPA 3; never reused"),
        FieldDefinition("starts_on", .date, updatableIn: ["planned"]),
        FieldDefinition("ends_on", .date, updatableIn: ["planned"], summary: "≥ starts_on"),
        // Countries may still join while the period runs.
        FieldDefinition("participating_countries", .list(.country), updatableIn: ["planned", "active"]),
        FieldDefinition("report_summary", .text, updatableIn: ["concluded"]),
    ]

    // Definition order is the order of metrics output: keep it as MODULES.md lists it.
    static let periodStates: [StateDefinition] = [
        .initial("planned", "period agreed, not yet running"),
        .init("active", .intermediate, "operations under way in the participating countries"),
        .init("concluded", .intermediate, "period over; debrief gathers outcomes from every country"),
        .terminal("reported", "report written"),
        .terminal("cancelled", "the period did not take place"),
    ]

    static let periodTransitions: [TransitionDefinition] = [
        TransitionDefinition(
            "start", from: ["planned"], to: .state("active"), roles: [.coordinator],
            guards: [
                .isSet("starts_on"),
                .isSet("ends_on"),
                .compare("ends_on", .greaterOrEqual, .field("starts_on")),
                .isSet("participating_countries"),
            ]),
        // A self-loop: the period stays active, only later; the reason is kept in the history.
        TransitionDefinition(
            "extend", from: ["active"], to: .state("active"), roles: [.coordinator],
            guards: [.increased("ends_on"), .reasonGiven]),
        TransitionDefinition(
            "conclude", from: ["active"], to: .state("concluded"), roles: [.coordinator],
            summary: "debrief: outcomes gathered from every country"),
        TransitionDefinition(
            "report", from: ["concluded"], to: .state("reported"), roles: [.coordinator],
            guards: [.isSet("report_summary")]),
        TransitionDefinition(
            "cancel", from: ["planned"], to: .state("cancelled"), roles: [.coordinator], guards: [.reasonGiven]),
    ]

    static let periodTimers: [TimerDefinition] = [
        // The period runs to the end of its last day: the system concludes it at the next midnight.
        TimerDefinition(in: "active", .onField("ends_on", plusDays: 1), .fire("conclude")),
    ]
}
