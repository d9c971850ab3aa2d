import WorkflowEngine

/// CRVS assessment: workflow `crvs`, references `CRVS-YYYY-NNNNNN`.
///
/// The civil registration assessment toolkit (RSO with UNHCR) helps a member state find and
/// redress inequalities in access to civil registration for asylum seekers, refugees,
/// stateless and undocumented persons. Government-led; findings are endorsed nationally.
public enum CRVS {
    /// The `crvs` workflow definition, as MODULES.md specifies it.
    public static let workflow = WorkflowDefinition(
        id: "crvs",
        referencePrefix: "CRVS",
        title: "Civil registration and vital statistics assessment",
        states: states,
        transitions: transitions,
        fields: fields,
        timers: timers
    )

    // Definition order is the order of metrics output: keep it as MODULES.md lists it.
    static let states: [StateDefinition] = [
        .initial("requested", "a member state asked for an assessment"),
        .init("inception", .intermediate, "lead agency named, core working group formed, scope fixed"),
        .init("data_collection", .intermediate, "legal and policy review, stakeholder mapping, coverage data"),
        .init("analysis", .intermediate, "findings and recommendations drafted"),
        .init("validation", .intermediate, "core working group reviews them"),
        .init("endorsed", .intermediate, "endorsed by national stakeholders; publication due"),
        .init("published", .intermediate, "country or synthesis report out"),
        .init("follow_up", .intermediate, "action plan tracked"),
        .terminal("completed", "follow-up done"),
        .terminal("withdrawn", "the assessment was abandoned"),
        .init("suspended", .intermediate, "paused; resumes where it was"),
    ]

    /// Every state an assessment can still leave: withdrawal is possible from all of them.
    static let open = ["requested", "inception", "data_collection", "analysis", "validation", "endorsed", "published", "follow_up", "suspended"]

    /// The matrix must answer every question the scope asks before analysis starts.
    static let accessCoversScope = Condition.custom(
        name: "access covers every chosen group × event", fields: ["access", "population_groups", "vital_events"],
        check: { accessIsComplete($0.fields) })

    static let transitions: [TransitionDefinition] = [
        TransitionDefinition(
            "start_inception", from: ["requested"], to: .state("inception"), roles: [.coordinator],
            guards: [.isSet("lead_agency")]),
        TransitionDefinition(
            "start_data_collection", from: ["inception"], to: .state("data_collection"), roles: [.coordinator],
            guards: [.isSet("population_groups"), .isSet("vital_events"), .isSet("government_focal_point")]),
        TransitionDefinition(
            "start_analysis", from: ["data_collection"], to: .state("analysis"), roles: [.coordinator],
            guards: [accessCoversScope]),
        TransitionDefinition(
            "submit_findings", from: ["analysis"], to: .state("validation"), roles: [.coordinator],
            guards: [.isSet("key_findings"), .isSet("recommendations")]),
        TransitionDefinition(
            "request_revision", from: ["validation"], to: .state("analysis"), roles: [.coordinator], guards: [.reasonGiven]),
        TransitionDefinition(
            "endorse", from: ["validation"], to: .state("endorsed"), roles: [.coordinator],
            guards: [.isSet("endorsed_on"), .isSet("endorsed_by")]),
        TransitionDefinition(
            "publish", from: ["endorsed"], to: .state("published"), roles: [.coordinator],
            guards: [.isSet("report_reference")]),
        TransitionDefinition(
            "start_follow_up", from: ["published"], to: .state("follow_up"), roles: [.coordinator],
            guards: [.isSet("action_plan")]),
        TransitionDefinition("complete", from: ["follow_up"], to: .state("completed"), roles: [.coordinator]),
        TransitionDefinition(
            "suspend", from: ["inception", "data_collection", "analysis", "validation"], to: .state("suspended"),
            roles: [.coordinator], guards: [.reasonGiven]),
        TransitionDefinition("resume", from: ["suspended"], to: .previous, roles: [.coordinator]),
        TransitionDefinition("withdraw", from: open, to: .state("withdrawn"), roles: [.manager], guards: [.reasonGiven]),
    ]

    static let timers: [TimerDefinition] = [
        TimerDefinition(in: "data_collection", .daysInState(90)),
        TimerDefinition(in: "validation", .daysInState(60)),
        // Publication is due within six months of endorsement.
        TimerDefinition(in: "endorsed", .daysInState(180)),
        TimerDefinition(in: "suspended", .daysInState(180)),
    ]
}
