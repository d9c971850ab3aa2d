import Foundation
import WorkflowEngine

/// Demo CRVS assessments: the toolkit's three pilots, Thailand, Viet Nam and Pakistan.
///
/// From the seeds (Forward Work Plan 2015–2017; RSO Highlights issues 1 and 2, 2022): the RSO and the UNHCR
/// Regional Bureau for Asia and the Pacific developed the Bali Process Civil Registration Assessment Toolkit
/// for asylum seekers, refugees, stateless persons, persons of undetermined nationality and undocumented
/// persons; Thailand, Viet Nam and Pakistan piloted it; Pakistan's government-led Core Working Group met
/// on Mainstreaming of Vulnerable Populations on 21 February 2022, after which key findings and
/// recommendations were endorsed; a synthesis report on the three pilots was due in July 2022.
///
/// Illustrative (not in the seeds): every other date, lead agencies, scopes, every access level, the
/// COVID-19 suspension, the revision round, and the stages of Thailand (validation) and Viet Nam (data
/// collection): the seeds report all three pilots completed by October 2022; the demo holds two of them
/// at earlier stages to show the workflow. Focal points are placeholders: they are personal data.
enum CRVSDemo {
    /// An `access` matrix as JSON text: for each group, one level per event, in the events' order.
    static func access(_ events: [String], _ rows: [(String, [String])]) -> JSONValue {
        let groups = rows.map { group, levels in
            let cells = zip(events, levels).map { "\"\($0)\": \"\($1)\"" }.joined(separator: ", ")
            return "\"\(group)\": {\(cells)}"
        }
        return .string("{\(groups.joined(separator: ", "))}")
    }

    static func load(into engine: Engine) async throws {
        try await pakistan(engine)
        try await thailand(engine)
        try await vietNam(engine)
        Output.note("rsoctl demo: 3 CRVS assessments (PAK completed, THA in validation, VNM in data collection)")
    }

    /// Pakistan: through every stage to completed.
    static func pakistan(_ engine: Engine) async throws {
        let events = ["birth", "death", "marriage", "divorce"]
        var crvs = try await DemoCase.open("crvs", [
            "country": .string("PAK"), "toolkit_version": .string("1.0"),
            "partners": .string("UNHCR Pakistan; RSO"),
        ], on: "2019-06-10", key: "demo-crvs-pak", in: engine)
        try await crvs.advance("start_inception", ["lead_agency": .string("National Database and Registration Authority")],
                               on: "2019-10-14")
        try await crvs.advance("start_data_collection", [
            "population_groups": .string("asylum_seekers,refugees,undocumented_persons"),
            "vital_events": .string(events.joined(separator: ",")),
            "government_focal_point": .string("Focal point P. (demo)"),
        ], on: "2020-01-20")
        try await crvs.advance("suspend", reason: "COVID-19 restrictions halted stakeholder consultations.", on: "2020-03-30")
        try await crvs.advance("resume", on: "2020-10-05")
        try await crvs.advance("start_analysis", ["access": access(events, [
            ("asylum_seekers", ["partial", "unknown", "none", "none"]),
            ("refugees", ["partial", "partial", "partial", "none"]),
            ("undocumented_persons", ["none", "none", "none", "unknown"]),
        ])], on: "2021-06-14")
        try await crvs.advance("submit_findings", [
            "key_findings": .string("Births of registered refugees are recorded but certificates are not always issued; asylum seekers and undocumented persons rarely reach the registrar; divorce registration is out of reach for all three groups."),
            "recommendations": .string("Issue birth certificates to all children born in Pakistan whatever their parents' status; mobile registration in refugee villages; guidance for registrars on documents accepted."),
        ], on: "2021-11-08")
        try await crvs.advance("endorse", [
            "endorsed_on": .string("2022-03-04"),
            "endorsed_by": .string("Core Working Group on Mainstreaming of Vulnerable Populations"),
        ], on: "2022-03-07")
        try await crvs.advance("publish", [
            "report_reference": .string("Civil Registration Assessment Toolkit pilot: synthesis report (Thailand, Viet Nam, Pakistan), July 2022"),
        ], on: "2022-07-29")
        try await crvs.advance("start_follow_up", [
            "action_plan": .string("Registrar guidance issued; mobile registration in two provinces; progress reviewed by the core working group every six months."),
        ], on: "2022-10-17")
        try await crvs.advance("complete", on: "2023-09-29")
    }

    /// Thailand: findings sent back once for revision, now in validation again.
    static func thailand(_ engine: Engine) async throws {
        let events = ["birth", "death", "marriage"]
        var crvs = try await DemoCase.open("crvs", [
            "country": .string("THA"), "toolkit_version": .string("1.0"), "partners": .string("UNHCR Thailand; RSO"),
        ], on: "2019-03-04", key: "demo-crvs-tha", in: engine)
        try await crvs.advance("start_inception", ["lead_agency": .string("Bureau of Registration Administration")],
                               on: "2019-06-03")
        try await crvs.advance("start_data_collection", [
            "population_groups": .string("asylum_seekers,refugees,stateless_persons,undocumented_persons"),
            "vital_events": .string(events.joined(separator: ",")),
            "government_focal_point": .string("Focal point T. (demo)"),
        ], on: "2019-09-16")
        try await crvs.advance("start_analysis", ["access": access(events, [
            ("asylum_seekers", ["full", "partial", "none"]),
            ("refugees", ["full", "partial", "partial"]),
            ("stateless_persons", ["full", "partial", "partial"]),
            ("undocumented_persons", ["partial", "partial", "none"]),
        ])], on: "2020-09-07")
        try await crvs.advance("submit_findings", [
            "key_findings": .string("Births are registrable for every child born in Thailand; deaths and marriages depend on documents many groups lack."),
            "recommendations": .string("Accept alternative evidence for death and marriage registration; train district registrars."),
        ], on: "2021-04-19")
        try await crvs.advance("request_revision", reason: "The core working group asked for coverage data on deaths in temporary shelters.",
                               on: "2021-06-21")
        try await crvs.advance("submit_findings", [
            "key_findings": .string("Births are registrable for every child born in Thailand; deaths in temporary shelters are under-recorded; marriages depend on documents many groups lack."),
        ], on: "2021-10-11")
    }

    /// Viet Nam: data collection under way, the access matrix partly filled in.
    static func vietNam(_ engine: Engine) async throws {
        var crvs = try await DemoCase.open("crvs", [
            "country": .string("VNM"), "toolkit_version": .string("1.0"), "partners": .string("UNHCR; RSO"),
        ], on: "2020-07-06", key: "demo-crvs-vnm", in: engine)
        try await crvs.advance("start_inception", ["lead_agency": .string("Ministry of Justice, civil status registration")],
                               on: "2020-11-02")
        try await crvs.advance("start_data_collection", [
            "population_groups": .string("stateless_persons,undetermined_nationality,undocumented_persons"),
            "vital_events": .string("birth,death,marriage,divorce"),
            "government_focal_point": .string("Focal point V. (demo)"),
        ], on: "2021-03-15")
        // Partly filled in: the start_analysis guard waits for every group × event.
        try await crvs.update(["access": access(["birth", "death"], [
            ("stateless_persons", ["partial", "partial"]),
            ("undetermined_nationality", ["partial", "unknown"]),
            ("undocumented_persons", ["none", "none"]),
        ])], reason: "Legal review and first provincial interviews.", on: "2021-08-16")
    }
}
