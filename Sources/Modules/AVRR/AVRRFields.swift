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

    /// The field schema, in the order of MODULES.md (also the order `workflow show` lists them).
    static let fields: [FieldDefinition] = [
        FieldDefinition("full_name", .string, .personal, requiredAtOpen: true),
        FieldDefinition("date_of_birth", .date, .personal),
        FieldDefinition("sex", .enumeration(["female", "male", "other", "unknown"])),
        FieldDefinition("nationality", .country),
        FieldDefinition("host_country", .country, requiredAtOpen: true,
                        summary: "country the person is returning from"),
        FieldDefinition("destination_country", .country, summary: "country of return"),
        // Protection status is sensitive: it can expose the person to harm if disclosed.
        FieldDefinition("category", .enumeration(categories), .sensitive, requiredAtOpen: true),
        FieldDefinition("vulnerabilities", .list(.enumeration(vulnerabilityKinds)), .sensitive),
        FieldDefinition("household_ref", .string, summary: "links family members: one case is one person"),
        FieldDefinition("consent_signed_on", .date, summary: "informed consent to voluntary return"),
        FieldDefinition("unhcr_clearance", .enumeration(["not_required", "pending", "granted", "refused"]), .sensitive,
                        summary: "UNHCR consulted for asylum seekers and refugees"),
        FieldDefinition("best_interests_determination", .enumeration(["not_required", "pending", "completed"]), .sensitive,
                        summary: "for children"),
        FieldDefinition("travel_document", .enumeration(["none", "expired", "valid", "emergency_issued"])),
        FieldDefinition("travel_document_number", .string, .personal),
        FieldDefinition("exit_clearance", .enumeration(["not_required", "pending", "granted", "refused"]),
                        summary: "exit permit / waiver of overstay penalties"),
        FieldDefinition("departure_date", .date),
        FieldDefinition("arrival_date", .date),
        FieldDefinition("reintegration_plan", .text, .sensitive),
        FieldDefinition("fit_to_travel", .bool, .sensitive, summary: "required true when vulnerabilities has medical"),
        FieldDefinition("reintegration_grant_usd", .decimal, minimum: 0),
    ]
}
