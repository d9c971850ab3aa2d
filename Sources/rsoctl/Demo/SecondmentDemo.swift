import Foundation
import WorkflowEngine

/// Demo secondments to the RSO, 2013–2017, after the programme's own reporting.
///
/// From the seeds (RSO Newsletter Edition Four, 2013; Ad Hoc Group Progress Report, October 2017, item 6.2):
/// - Afghanistan 2013: the Director of the Document Examination Lab at Kabul International Airport,
///   two months, drafting a checklist for document examination for Afghan border officials (printed, distributed).
/// - Jordan 2015: the Regional Mapping Project on anti-trafficking activities, Regional Training Coordination Mechanism.
/// - Indonesia 2015: the Regional Training Coordination Mechanism / RSO-JCLEC partnership.
/// - UNHCR, ongoing: the Civil Registration Assessment Toolkit; the thematic brief on Access to Asylum
///   Procedures (not yet completed in October 2017).
/// - Cambodia 2016: a Cambodian National Police official led the Quick Reference Guides on interviewing
///   victims of trafficking and child victims of trafficking, and trained police from all 25 provinces
///   at a training of trainers in Phnom Penh; the guide was translated into six languages.
/// - Timor-Leste 2016: training on the QRG on interviewing victims of trafficking and the QRG for frontline
///   border officials in Timor-Leste.
/// - New Zealand 2017 and ongoing: information campaigns, information sharing and visa integrity.
/// - UNODC, late 2017, planned with USA funding: regional sharing of information and intelligence on
///   trafficking and smuggling, particularly at sea.
///
/// Illustrative (not in the seeds): every exact date, positions other than the Afghan and Cambodian ones,
/// the wording of deliverables and evaluations beyond the facts above, the New Zealand extension, and the
/// cancelled 2014 Afghan follow-up. Officer names are placeholders: they are personal data.
enum SecondmentDemo {
    enum Ending {
        case reported(deliverables: String, evaluation: String)
        case concluded
        case active(extendedOn: String, to: String)
        case approved
        case cancelled(on: String, reason: String)
    }

    struct Placement {
        let party: String
        var fundedBy: String? = nil
        let position: String
        let project: String
        let proposed: String
        let nominated: String
        let approved: String
        let plannedStart: String
        let plannedEnd: String
        var actualEnd: String? = nil
        let ending: Ending
    }

    static let placements: [Placement] = [
        Placement(
            party: "AFG", position: "Director, Document Examination Lab, Kabul International Airport",
            project: "Drafting a checklist for document examination to be used by Afghan border officials.",
            proposed: "2013-02-04", nominated: "2013-02-25", approved: "2013-03-11",
            plannedStart: "2013-04-01", plannedEnd: "2013-05-31", actualEnd: "2013-05-31",
            ending: .reported(deliverables: "Checklist for document examination for Afghan border officials, printed and being distributed.",
                              evaluation: "Two-month placement; checklist delivered on time.")),
        Placement(
            party: "AFG", position: "Document examiner",
            project: "Follow-up training on the document examination checklist for Afghan border officials.",
            proposed: "2014-01-20", nominated: "2014-02-10", approved: "2014-03-03",
            plannedStart: "2014-05-05", plannedEnd: "2014-07-04",
            ending: .cancelled(on: "2014-04-14", reason: "The nominee could not be released by the home agency.")),
        Placement(
            party: "JOR", position: "Anti-trafficking officer",
            project: "Regional Mapping Project on anti-trafficking activities; Regional Training Coordination Mechanism.",
            proposed: "2015-02-16", nominated: "2015-03-09", approved: "2015-03-30",
            plannedStart: "2015-05-04", plannedEnd: "2015-10-30", actualEnd: "2015-10-30",
            ending: .reported(deliverables: "Regional mapping of anti-trafficking activities; input to the Regional Training Coordination Mechanism.",
                              evaluation: "Six-month placement; mapping shared with members.")),
        Placement(
            party: "IDN", position: "Law enforcement training officer",
            project: "Regional Training Coordination Mechanism and the RSO-JCLEC partnership.",
            proposed: "2015-05-11", nominated: "2015-06-01", approved: "2015-06-22",
            plannedStart: "2015-08-03", plannedEnd: "2016-01-29", actualEnd: "2016-01-29",
            ending: .reported(deliverables: "Groundwork for a regional catalogue of training programmes, including JCLEC courses.",
                              evaluation: "Six-month placement.")),
        Placement(
            party: "KHM", position: "Police official, Cambodian National Police",
            project: "Quick Reference Guides on interviewing victims of trafficking in persons and child victims of trafficking, and training on them.",
            proposed: "2016-01-18", nominated: "2016-02-08", approved: "2016-02-29",
            plannedStart: "2016-04-04", plannedEnd: "2016-09-30", actualEnd: "2016-09-30",
            ending: .reported(deliverables: "Two Quick Reference Guides (victims of trafficking; child victims), the first translated into Indonesian, Khmer, Sinhala, Tetum, Thai and Vietnamese; training of trainers in Phnom Penh for police from all 25 provinces.",
                              evaluation: "Guides in use by police, border officials and first responders.")),
        Placement(
            party: "UNHCR", position: "Protection officer",
            project: "Civil Registration Assessment Toolkit, developed with the UNHCR Regional Bureau for Asia and the Pacific.",
            proposed: "2016-06-06", nominated: "2016-06-27", approved: "2016-07-18",
            plannedStart: "2016-09-05", plannedEnd: "2017-03-31", actualEnd: "2017-03-31",
            ending: .reported(deliverables: "Draft Bali Process Civil Registration Assessment Toolkit, ready for pilots.",
                              evaluation: "Toolkit drafted; pilot countries to be sought.")),
        Placement(
            party: "TLS", position: "Immigration officer",
            project: "Training in Timor-Leste on the Quick Reference Guide on Interviewing Victims of Trafficking and the Quick Reference Guide for Frontline Border Officials.",
            proposed: "2016-07-04", nominated: "2016-07-25", approved: "2016-08-15",
            plannedStart: "2016-10-03", plannedEnd: "2017-02-24", actualEnd: "2017-02-24",
            ending: .reported(deliverables: "Training on both guides delivered to Timorese officials; Tetum translation of the victims guide.",
                              evaluation: "Five-month placement.")),
        Placement(
            party: "UNHCR", position: "Protection officer",
            project: "Thematic brief on Access to Asylum Procedures for Bali Process members.",
            proposed: "2016-11-14", nominated: "2016-12-05", approved: "2017-01-09",
            plannedStart: "2017-02-06", plannedEnd: "2017-08-31", actualEnd: "2017-08-31",
            ending: .concluded),
        Placement(
            party: "NZL", position: "Immigration policy officer",
            project: "Information campaigns, information sharing and visa integrity.",
            proposed: "2017-03-13", nominated: "2017-04-03", approved: "2017-05-01",
            plannedStart: "2017-07-03", plannedEnd: "2017-12-22",
            ending: .active(extendedOn: "2017-11-20", to: "2018-06-29")),
        Placement(
            party: "UNODC", fundedBy: "USA", position: "Crime prevention and criminal justice officer",
            project: "Regional sharing of information and intelligence on trafficking in persons and people smuggling, particularly in the maritime context.",
            proposed: "2017-07-17", nominated: "2017-08-28", approved: "2017-10-16",
            plannedStart: "2017-11-13", plannedEnd: "2018-05-11",
            ending: .approved),
    ]

    static func load(into engine: Engine) async throws {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        for (index, plan) in placements.enumerated() {
            var opening: FieldValues = ["seconding_party": .string(plan.party), "project": .string(plan.project)]
            if let funder = plan.fundedBy { opening["funded_by"] = .string(funder) }
            var secondment = try await DemoCase.open(
                "secondment", opening, on: plan.proposed, key: "demo-sec-\(index + 1)", in: engine)
            try await secondment.advance("nominate", [
                "officer_name": .string("Officer \(letters[index % letters.count]). (demo)"),
                "officer_position": .string(plan.position),
            ], on: plan.nominated)
            try await secondment.advance("approve", [
                "planned_start": .string(plan.plannedStart), "planned_end": .string(plan.plannedEnd),
            ], on: plan.approved, as: DemoUsers.manager)
            if case .cancelled(let day, let reason) = plan.ending {
                try await secondment.advance("cancel", reason: reason, on: day, as: DemoUsers.manager)
                continue
            }
            if case .approved = plan.ending { continue }
            try await secondment.advance("start", ["actual_start": .string(plan.plannedStart)], on: plan.plannedStart)
            if case .active(let day, let end) = plan.ending {
                try await secondment.advance("extend", ["planned_end": .string(end)], reason: "Projects extended into 2018.",
                                             on: day, as: DemoUsers.manager)
                continue
            }
            guard let end = plan.actualEnd else { continue }
            try await secondment.advance("conclude", ["actual_end": .string(end)], on: end)
            if case .reported(let deliverables, let evaluation) = plan.ending {
                let day = SimpleDate(end)!.startOfDay.addingTimeInterval(21 * 86_400).iso8601.prefix(10)
                try await secondment.advance("report", [
                    "deliverables": .string(deliverables), "evaluation": .string(evaluation),
                ], on: String(day))
            }
        }
        Output.note("rsoctl demo: \(placements.count) secondments, 2013–2017")
    }
}
