import WorkflowEngine

/// Secondments: workflow `secondment`, references `SEC-YYYY-NNNNNN`.
///
/// A member state or organisation seconds an official to the RSO for a project (weeks to
/// years). Placements usually last four to six months but not always: duration is
/// reported, never a guard. The funder may differ from the seconding party.
public enum Secondments {
    /// The `secondment` workflow definition, as MODULES.md specifies it.
    public static let workflow = WorkflowDefinition(
        id: "secondment",
        referencePrefix: "SEC",
        title: "Secondment",
        states: states,
        transitions: transitions,
        fields: fields,
        timers: timers
    )

    /// Each field a guard checks changes until that transition: the officer until nomination, the plan until the
    /// manager approves it, the actual dates while they happen. A longer placement goes through `extend` (manager).
    /// The coordinator prepares the plan the manager approves; either may correct it until then.
    static let planners: [Role] = [.coordinator, .manager]

    static let fields: [FieldDefinition] = [
        FieldDefinition("seconding_party", .string, requiredAtOpen: true, updatableIn: ["proposed", "nominated"],
                        summary: "a country code or an organisation such as UNHCR, UNODC"),
        FieldDefinition("officer_name", .string, .personal, updatableIn: ["proposed"]),
        FieldDefinition("officer_position", .string, updatableIn: ["proposed"]),
        FieldDefinition("funded_by", .string, summary: "may differ from the seconding party"),
        FieldDefinition("project", .text, updatableIn: ["proposed", "nominated"], updatableBy: planners),
        FieldDefinition("planned_start", .date, updatableIn: ["proposed", "nominated"], updatableBy: planners),
        FieldDefinition("planned_end", .date, updatableIn: ["proposed", "nominated"], updatableBy: planners),
        FieldDefinition("actual_start", .date, updatableIn: ["approved"]),
        FieldDefinition("actual_end", .date, updatableIn: ["active"]),
        FieldDefinition("deliverables", .text, updatableIn: ["active", "concluded"]),
        FieldDefinition("evaluation", .text, updatableIn: ["active", "concluded"]),
    ]

    // Definition order is the order of metrics output: keep it as MODULES.md lists it.
    static let states: [StateDefinition] = [
        .initial("proposed", "a party offers to second an official"),
        .init("nominated", .intermediate, "an officer is named"),
        .init("approved", .intermediate, "project and planned dates agreed"),
        .init("active", .intermediate, "the officer is working with the RSO"),
        .init("concluded", .intermediate, "placement over; deliverables to report"),
        .terminal("reported", "deliverables reported"),
        .terminal("declined", "the RSO declined the secondment"),
        .terminal("cancelled", "the secondment did not take place"),
    ]

    static let transitions: [TransitionDefinition] = [
        TransitionDefinition(
            "nominate", from: ["proposed"], to: .state("nominated"), roles: [.coordinator],
            guards: [.isSet("officer_name"), .isSet("officer_position")]),
        TransitionDefinition(
            "approve", from: ["nominated"], to: .state("approved"), roles: [.manager],
            guards: [
                .isSet("project"),
                .isSet("planned_start"),
                .isSet("planned_end"),
                .compare("planned_end", .greater, .field("planned_start")),
            ]),
        TransitionDefinition(
            "decline", from: ["proposed", "nominated"], to: .state("declined"), roles: [.manager], guards: [.reasonGiven]),
        TransitionDefinition(
            "start", from: ["approved"], to: .state("active"), roles: [.coordinator], guards: [.isSet("actual_start")]),
        // A self-loop: the placement stays active with a later planned end.
        TransitionDefinition(
            "extend", from: ["active"], to: .state("active"), roles: [.manager], guards: [.increased("planned_end")]),
        TransitionDefinition(
            "conclude", from: ["active"], to: .state("concluded"), roles: [.coordinator],
            guards: [.isSet("actual_end"), .compare("actual_end", .greaterOrEqual, .field("actual_start"))]),
        TransitionDefinition(
            "report", from: ["concluded"], to: .state("reported"), roles: [.coordinator], guards: [.isSet("deliverables")]),
        TransitionDefinition(
            "cancel", from: ["proposed", "nominated", "approved"], to: .state("cancelled"), roles: [.manager],
            guards: [.reasonGiven]),
    ]

    static let timers: [TimerDefinition] = [
        // Overdue once the planned end day has passed and the placement is still running.
        TimerDefinition(in: "active", .onField("planned_end", plusDays: 1)),
        TimerDefinition(in: "concluded", .daysInState(30)),
    ]
}
