import Foundation
import WorkflowEngine

/// One demo case: its opening fields and the steps it goes through, back-dated from mid-2012.
struct DemoCasePlan {
    struct Step {
        let transition: String
        let fields: FieldValues
        let reason: String?
        let actor: String
        let daysAfterPrevious: Int
    }

    let key: String
    let fields: FieldValues
    let openedAt: Date
    let caseworker: String
    let steps: [Step]

    func load(into engine: Engine) async throws {
        let opened = try await engine.open("avrr", fields: fields, as: caseworker, at: openedAt, idempotencyKey: "\(key)-open")
        var at = openedAt
        for (index, step) in steps.enumerated() {
            at = at.addingTimeInterval(Double(step.daysAfterPrevious) * 86_400)
            _ = try await engine.advance(.id(opened.id), step.transition, fields: step.fields, reason: step.reason,
                                         as: step.actor, at: at, idempotencyKey: "\(key)-\(index)-\(step.transition)")
        }
    }
}

/// Demo AVRR caseload modelled on the pilot's 2012–2013 figures (returned, approved, awaiting approval...).
enum AVRRDemo {
    /// Where each demo case ends up; counts sum to 48.
    static let endings: [(state: String, count: Int)] = [
        ("registered", 3), ("counselling", 5), ("awaiting_approval", 8), ("approved", 4), ("travel_arranged", 3),
        ("returned", 3), ("reintegration", 4), ("monitoring", 4), ("closed", 6), ("withdrawn", 2), ("rejected", 1),
        ("referred", 2), ("not_departed", 1), ("lost_contact", 1), ("on_hold", 1),
    ]

    static let hosts = ["IDN", "MYS", "THA"]
    static let destinations = ["AFG", "PAK", "LKA", "BGD", "MMR", "KHM", "IRN", "VNM"]
    static let categories = ["irregular_migrant", "irregular_migrant", "stranded_migrant", "rejected_asylum_seeker", "asylum_seeker"]

    static func plans() -> [DemoCasePlan] {
        var random = SplitMix64(seed: 2013_06_24)
        var plans: [DemoCasePlan] = []
        let start = SimpleDate("2012-07-01")!.startOfDay
        for (state, count) in endings {
            for _ in 0..<count {
                let number = plans.count + 1
                let caseworker = DemoUsers.caseworkers[number % 2]
                let destination = destinations[random.next(below: destinations.count)]
                let category = categories[random.next(below: categories.count)]
                var fields: FieldValues = [
                    "full_name": .string("Demo Person \(number)"),
                    "sex": .string(["female", "male"][random.next(below: 2)]),
                    "nationality": .string(destination),
                    "host_country": .string(hosts[random.next(below: hosts.count)]),
                    "category": .string(category),
                    "household_ref": .string("HH-\(1000 + number / 3)"),
                ]
                if category == "asylum_seeker" { fields["unhcr_clearance"] = .string("pending") }
                let openedAt = start.addingTimeInterval(Double(random.next(below: 300)) * 86_400 + 9 * 3600)
                plans.append(DemoCasePlan(
                    key: "demo-avrr-\(number)", fields: fields, openedAt: openedAt, caseworker: caseworker,
                    steps: steps(to: state, destination: destination, category: category, openedAt: openedAt,
                                 caseworker: caseworker, random: &random)))
            }
        }
        return plans
    }

    /// The transitions that take a new case to `state`, with the fields each needs.
    private static func steps(
        to state: String, destination: String, category: String, openedAt: Date, caseworker: String,
        random: inout SplitMix64
    ) -> [DemoCasePlan.Step] {
        func step(_ transition: String, _ fields: FieldValues = [:], reason: String? = nil, by actor: String? = nil) -> DemoCasePlan.Step {
            DemoCasePlan.Step(transition: transition, fields: fields, reason: reason, actor: actor ?? caseworker,
                              daysAfterPrevious: 3 + random.next(below: 18))
        }
        let day = { (offset: Int) in String(openedAt.addingTimeInterval(Double(offset) * 86_400).iso8601.prefix(10)) }
        var submitFields: FieldValues = [
            "consent_signed_on": .string(day(2)), "destination_country": .string(destination),
            "travel_document": .string("valid"),
        ]
        if category == "asylum_seeker" { submitFields["unhcr_clearance"] = .string("granted") }
        let counselling = [step("start_counselling")]
        let awaiting = counselling + [step("submit", submitFields)]
        let approved = awaiting + [step("approve", by: DemoUsers.approver)]
        let travel = approved + [step("arrange_travel", ["departure_date": .string(day(120)), "exit_clearance": .string("granted")])]
        let returned = travel + [step("confirm_return", ["arrival_date": .string(day(121))])]
        let reintegration = returned + [step("start_reintegration", [
            "reintegration_plan": .string("Small business grant and follow-up by the IOM mission."),
            "reintegration_grant_usd": .decimal(1500),
        ])]
        let monitoring = reintegration + [step("start_monitoring")]
        switch state {
        case "registered": return []
        case "counselling": return counselling
        case "awaiting_approval": return awaiting
        case "approved": return approved
        case "travel_arranged": return travel
        case "returned": return returned
        case "reintegration": return reintegration
        case "monitoring": return monitoring
        case "closed": return random.next(below: 2) == 0 ? returned + [step("close")] : monitoring + [step("close")]
        case "withdrawn": return counselling + [step("withdraw", reason: "The migrant decided to stay and regularise.")]
        case "rejected": return awaiting + [step("reject", reason: "Eligibility criteria not met.", by: DemoUsers.approver)]
        case "referred": return counselling + [step("refer", reason: "Referred to UNHCR for protection assessment.")]
        case "not_departed": return travel + [step("mark_not_departed", reason: "Did not present at the airport.")]
        case "lost_contact": return approved + [step("mark_lost_contact", reason: "No answer at the last known address.")]
        case "on_hold": return approved + [step("hold", reason: "Travel document renewal delayed.")]
        default: return []
        }
    }
}

/// A small deterministic generator, so the demo is the same on every machine.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
