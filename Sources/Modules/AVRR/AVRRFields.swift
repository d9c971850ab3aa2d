import Foundation
import WorkflowEngine

extension AVRR {
    /// Values of `category`: the person's migration or protection situation.
    static let categories = [
        "irregular_migrant", "stranded_migrant", "asylum_seeker", "rejected_asylum_seeker",
        "refugee", "stateless", "victim_of_trafficking", "other",
    ]

    /// Values of `vulnerabilities`.
    static let vulnerabilityKinds = [
        "unaccompanied_child", "separated_child", "medical", "disability", "elderly",
        "pregnant", "single_parent", "victim_of_trafficking", "survivor_of_violence",
    ]

    /// Categories whose return must follow UNHCR's procedures.
    static let protectionCategories = ["asylum_seeker", "refugee"]

    /// Vulnerabilities for which a best-interests determination is owed before return.
    static let childVulnerabilities = ["unaccompanied_child", "separated_child"]

    /// States before submission: what the `submit` guards check changes only here. After submission the values are
    /// what was checked and approved; to change them the approver sends the case back (`return_to_counselling`).
    static let beforeSubmission = ["registered", "counselling"]

    /// What the `arrange_travel` guards check is gathered until travel is arranged; a later change of plan goes
    /// through `reschedule`.
    static let untilTravelArranged = ["registered", "counselling", "approved"]

    /// The field schema, in the order of MODULES.md (also the order `workflow show` lists them).
    /// Fields no guard checks (names, dates of birth, household) may be corrected in any open state.
    static let fields: [FieldDefinition] = [
        FieldDefinition("full_name", .string, .personal, requiredAtOpen: true),
        FieldDefinition("date_of_birth", .date, .personal),
        FieldDefinition("sex", .enumeration(["female", "male", "other", "unknown"])),
        FieldDefinition("nationality", .country),
        FieldDefinition("host_country", .country, requiredAtOpen: true, updatableIn: beforeSubmission,
                        summary: "country the person is returning from"),
        FieldDefinition("destination_country", .country, updatableIn: beforeSubmission, summary: "country of return"),
        // Protection status is sensitive: it can expose the person to harm if disclosed.
        FieldDefinition("category", .enumeration(categories), .sensitive, requiredAtOpen: true, updatableIn: beforeSubmission),
        FieldDefinition("vulnerabilities", .list(.enumeration(vulnerabilityKinds)), .sensitive, updatableIn: beforeSubmission),
        FieldDefinition("household_ref", .string, summary: "links family members: one case is one person"),
        FieldDefinition("consent_signed_on", .date, updatableIn: beforeSubmission, summary: "informed consent to voluntary return"),
        FieldDefinition("unhcr_clearance", .enumeration(["not_required", "pending", "granted", "refused"]), .sensitive,
                        updatableIn: beforeSubmission, summary: "UNHCR consulted for asylum seekers and refugees"),
        FieldDefinition("best_interests_determination", .enumeration(["not_required", "pending", "completed"]), .sensitive,
                        updatableIn: beforeSubmission, summary: "for children"),
        // Checked at submission; a document issued after approval is set by arrange_travel, whose guard checks it.
        FieldDefinition("travel_document", .enumeration(["none", "expired", "valid", "emergency_issued"]),
                        updatableIn: beforeSubmission),
        FieldDefinition("travel_document_number", .string, .personal),
        FieldDefinition("exit_clearance", .enumeration(["not_required", "pending", "granted", "refused"]),
                        updatableIn: untilTravelArranged, summary: "exit permit / waiver of overstay penalties"),
        // Set while travel is being arranged; once it is, a new date goes through reschedule (with a reason).
        FieldDefinition("departure_date", .date, updatableIn: ["approved"]),
        FieldDefinition("arrival_date", .date, updatableIn: ["travel_arranged"]),
        FieldDefinition("reintegration_plan", .text, .sensitive, updatableIn: ["returned", "reintegration", "monitoring"]),
        FieldDefinition("fit_to_travel", .bool, .sensitive, updatableIn: untilTravelArranged,
                        summary: "required true when vulnerabilities has medical"),
        FieldDefinition("reintegration_grant_usd", .decimal, minimum: 0),
    ]
}
