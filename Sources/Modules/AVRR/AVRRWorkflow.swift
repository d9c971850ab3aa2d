import WorkflowEngine

/// Assisted Voluntary Return and Reintegration: workflow `avrr`, references `AVRR-YYYY-NNNNNN`.
///
/// A migrant who wishes to go home but cannot is counselled, approved, helped to travel
/// and supported to reintegrate. Voluntariness is the core: informed consent before
/// submission, withdrawal possible at any time before departure.
public enum AVRR {
    /// The `avrr` workflow definition, as MODULES.md specifies it.
    public static let workflow = WorkflowDefinition(
        id: "avrr",
        referencePrefix: "AVRR",
        title: "Assisted Voluntary Return and Reintegration",
        states: states,
        transitions: transitions,
        fields: fields,
        timers: timers,
        personalDataKeptDays: personalDataKeptDays
    )

    /// Personal values are kept five years after a case closes (or is withdrawn or refused), then erased by
    /// `rsoctl retention run`: long enough for the donors' audits of a programme's returns, and no longer. A data
    /// subject's request is met earlier with `rsoctl case erase`.
    public static let personalDataKeptDays = 5 * 365

    // Definition order is the order of metrics output: keep it as MODULES.md lists it.
    static let states: [StateDefinition] = [
        .initial("registered", "case opened, not yet counselled"),
        .init("counselling", .intermediate, "informed of options; consent and documents gathered"),
        .init("awaiting_approval", .intermediate, "submitted for a second person's approval"),
        .init("approved", .intermediate, "return approved; travel to be arranged"),
        .init("travel_arranged", .intermediate, "departure booked"),
        .init("returned", .intermediate, "arrived in the country of return"),
        .init("reintegration", .intermediate, "reintegration support under way"),
        .init("monitoring", .intermediate, "reintegration monitored"),
        .terminal("closed", "return and reintegration complete"),
        .terminal("withdrawn", "the migrant chose not to return"),
        .terminal("rejected", "return not approved"),
        .terminal("referred", "referred to UNHCR or another protection actor instead of return"),
        .terminal("not_departed", "no-show, or departure never confirmed"),
        .terminal("lost_contact", "the migrant can no longer be reached"),
        .init("on_hold", .intermediate, "paused (travel document delay, medical); resumes where it was"),
    ]

    /// Before departure the migrant may still change their mind: withdrawal stays open until then.
    static let beforeDeparture = ["registered", "counselling", "awaiting_approval", "approved", "travel_arranged", "on_hold"]

    /// A fit-to-travel certificate is needed when the person has a medical vulnerability.
    static let fitToTravelIfMedical = Condition.implies(
        .contains("vulnerabilities", ["medical"]), .oneOf("fit_to_travel", ["true"]))

    static let transitions: [TransitionDefinition] = [
        TransitionDefinition("start_counselling", from: ["registered"], to: .state("counselling"), roles: [.caseworker]),
        TransitionDefinition(
            "submit", from: ["counselling"], to: .state("awaiting_approval"), roles: [.caseworker],
            guards: [
                // Voluntariness: no submission without informed consent.
                .isSet("consent_signed_on"),
                .isSet("destination_country"),
                .compare("destination_country", .notEqual, .field("host_country")),
                .isSet("travel_document"),
                // Asylum seekers and refugees return only in line with UNHCR's procedures.
                .implies(.oneOf("category", protectionCategories), .oneOf("unhcr_clearance", ["granted"])),
                .implies(.contains("vulnerabilities", childVulnerabilities),
                         .oneOf("best_interests_determination", ["completed"])),
            ]),
        TransitionDefinition(
            "approve", from: ["awaiting_approval"], to: .state("approved"), roles: [.approver],
            guards: [.notActorOfLatest("submit")]),
        TransitionDefinition(
            "reject", from: ["awaiting_approval"], to: .state("rejected"), roles: [.approver], guards: [.reasonGiven]),
        TransitionDefinition(
            "return_to_counselling", from: ["awaiting_approval"], to: .state("counselling"), roles: [.approver],
            guards: [.reasonGiven]),
        TransitionDefinition(
            "arrange_travel", from: ["approved"], to: .state("travel_arranged"), roles: [.caseworker],
            guards: [
                .isSet("departure_date"),
                .oneOf("travel_document", ["valid", "emergency_issued"]),
                .oneOf("exit_clearance", ["granted", "not_required"]),
                fitToTravelIfMedical,
            ]),
        TransitionDefinition(
            "reschedule", from: ["travel_arranged"], to: .state("approved"), roles: [.caseworker], guards: [.reasonGiven]),
        TransitionDefinition(
            "confirm_return", from: ["travel_arranged"], to: .state("returned"), roles: [.caseworker],
            guards: [.isSet("arrival_date"), .compare("arrival_date", .greaterOrEqual, .field("departure_date"))]),
        TransitionDefinition(
            "start_reintegration", from: ["returned"], to: .state("reintegration"), roles: [.caseworker],
            guards: [.isSet("reintegration_plan")]),
        TransitionDefinition("start_monitoring", from: ["reintegration"], to: .state("monitoring"), roles: [.caseworker]),
        TransitionDefinition("close", from: ["returned", "monitoring"], to: .state("closed"), roles: [.caseworker]),
        TransitionDefinition(
            "mark_not_departed", from: ["travel_arranged"], to: .state("not_departed"), roles: [.caseworker],
            guards: [.reasonGiven]),
        TransitionDefinition(
            "withdraw", from: beforeDeparture, to: .state("withdrawn"), roles: [.caseworker], guards: [.reasonGiven]),
        TransitionDefinition(
            "refer", from: ["registered", "counselling", "awaiting_approval"], to: .state("referred"),
            roles: [.caseworker], guards: [.reasonGiven]),
        TransitionDefinition(
            "mark_lost_contact", from: ["registered", "counselling", "awaiting_approval", "approved", "on_hold"],
            to: .state("lost_contact"), roles: [.caseworker], guards: [.reasonGiven]),
        TransitionDefinition(
            "hold", from: ["counselling", "awaiting_approval", "approved", "travel_arranged"], to: .state("on_hold"),
            roles: [.caseworker], guards: [.reasonGiven]),
        TransitionDefinition("resume", from: ["on_hold"], to: .previous, roles: [.caseworker]),
    ]

    static let timers: [TimerDefinition] = [
        TimerDefinition(in: "awaiting_approval", .daysInState(14)),
        TimerDefinition(in: "approved", .daysInState(30)),
        // Overdue once the person should long have flown and the return is still unconfirmed.
        TimerDefinition(in: "travel_arranged", .onField("departure_date", plusDays: 7)),
        TimerDefinition(in: "on_hold", .daysInState(30)),
        // A year of monitoring ends the case without anyone having to remember it.
        TimerDefinition(in: "monitoring", .daysInState(365), .fire("close")),
    ]
}
