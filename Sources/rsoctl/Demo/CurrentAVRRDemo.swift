import Foundation
import WorkflowEngine

/// The demo's caseload of this week: AVRR cases dated relative to the demo's day (`rsoctl demo --today`), so that
/// `case list`, `case list --overdue` and `timers run --dry-run` show what a caseworker meets on a working morning:
/// new registrations, submissions waiting for approval (two due within the week, one overdue by days), approved cases
/// waiting for travel, a departure to confirm.
///
/// Each case is keyed by its number alone (`demo-now-N-…`), so a second run on the same day replays every write. On a
/// later day the same keys would describe other dates: the cases of the first day are kept as they are, and the
/// demo says so (a fresh database gives the new day's).
enum CurrentAVRRDemo {
    /// A step `daysAgo` days before the demo's day, at 09:00 UTC (or an hour after the previous step that day).
    struct Step {
        let transition: String
        let daysAgo: Int
        var fields: FieldValues = [:]
        var reason: String? = nil
        var byApprover = false
    }

    struct Plan {
        let openedDaysAgo: Int
        let host: String
        let destination: String
        let steps: [Step]
    }

    /// The AVRR timers (14 days awaiting approval, 30 approved, departure + 7 days, 30 on hold) place each due date.
    static func plans(today: Date) -> [Plan] {
        let day = { (daysAgo: Int) in DemoDays.text(today, minus: daysAgo) }
        func counselling(_ ago: Int) -> [Step] { [Step(transition: "start_counselling", daysAgo: ago)] }
        func submitted(_ counsel: Int, _ ago: Int, to destination: String) -> [Step] {
            counselling(counsel) + [Step(transition: "submit", daysAgo: ago, fields: [
                "consent_signed_on": .string(day(counsel)), "destination_country": .string(destination),
                "travel_document": .string("valid"),
            ])]
        }
        func approved(_ counsel: Int, _ submit: Int, _ ago: Int, to destination: String) -> [Step] {
            submitted(counsel, submit, to: destination) + [Step(transition: "approve", daysAgo: ago, byApprover: true)]
        }
        func travel(_ counsel: Int, _ submit: Int, _ approve: Int, _ ago: Int, departsIn: Int, to destination: String) -> [Step] {
            approved(counsel, submit, approve, to: destination) + [Step(transition: "arrange_travel", daysAgo: ago, fields: [
                "departure_date": .string(day(-departsIn)), "exit_clearance": .string("granted"),
            ])]
        }
        return [
            Plan(openedDaysAgo: 1, host: "MYS", destination: "BGD", steps: []),
            Plan(openedDaysAgo: 3, host: "IDN", destination: "AFG", steps: []),
            Plan(openedDaysAgo: 8, host: "THA", destination: "MMR", steps: counselling(6)),
            Plan(openedDaysAgo: 15, host: "IDN", destination: "LKA", steps: counselling(12)),
            // Awaiting approval: due in 2 and 4 days, and 3 days overdue.
            Plan(openedDaysAgo: 30, host: "MYS", destination: "PAK", steps: submitted(25, 12, to: "PAK")),
            Plan(openedDaysAgo: 28, host: "THA", destination: "KHM", steps: submitted(20, 10, to: "KHM")),
            Plan(openedDaysAgo: 40, host: "IDN", destination: "BGD", steps: submitted(30, 17, to: "BGD")),
            // Approved, waiting for travel: due in 5 days, and 4 days overdue.
            Plan(openedDaysAgo: 50, host: "MYS", destination: "VNM", steps: approved(45, 35, 25, to: "VNM")),
            Plan(openedDaysAgo: 60, host: "IDN", destination: "AFG", steps: approved(55, 45, 34, to: "AFG")),
            // Travel arranged: departs in 3 days (due in 10); departed 9 days ago, return unconfirmed (2 days overdue).
            Plan(openedDaysAgo: 45, host: "THA", destination: "MMR",
                 steps: travel(40, 30, 20, 10, departsIn: 3, to: "MMR")),
            Plan(openedDaysAgo: 70, host: "MYS", destination: "LKA",
                 steps: travel(65, 50, 30, 20, departsIn: -9, to: "LKA")),
            // On hold for 20 days (due in 10).
            Plan(openedDaysAgo: 80, host: "IDN", destination: "PAK",
                 steps: approved(75, 60, 45, to: "PAK") + [Step(transition: "hold", daysAgo: 20, reason: "Travel document renewal delayed.")]),
            // Returned this week, and one in its monitoring year (closes itself in 165 days).
            Plan(openedDaysAgo: 90, host: "MYS", destination: "BGD",
                 steps: travel(85, 70, 50, 12, departsIn: -4, to: "BGD")
                    + [Step(transition: "confirm_return", daysAgo: 3, fields: ["arrival_date": .string(day(4))])]),
            Plan(openedDaysAgo: 400, host: "THA", destination: "KHM",
                 steps: travel(390, 370, 340, 300, departsIn: -280, to: "KHM") + [
                    Step(transition: "confirm_return", daysAgo: 279, fields: ["arrival_date": .string(day(280))]),
                    Step(transition: "start_reintegration", daysAgo: 250, fields: [
                        "reintegration_plan": .string("Vocational training and a small business grant."),
                        "reintegration_grant_usd": .decimal(1200),
                    ]),
                    Step(transition: "start_monitoring", daysAgo: 200),
                 ]),
        ]
    }

    /// Loads the cases dated from `today` (midnight UTC of the demo's day); says so and loads nothing when the
    /// current cases were loaded on another day.
    static func load(into engine: Engine, today: Date) async throws {
        let plans = plans(today: today)
        let marker = CaseQuery(workflow: "avrr", fieldEquals: [("household_ref", .string("HH-NOW-1"))], limit: 1)
        if let earlier = try await engine.list(marker, as: DemoUsers.manager).first {
            let planned = DemoDays.text(today, minus: plans[0].openedDaysAgo)
            if !earlier.createdAt.iso8601.hasPrefix(planned) {
                Output.note("rsoctl demo: this week's cases were loaded on an earlier day and are kept as they are (a fresh database gives today's)")
                return
            }
        }
        for (index, plan) in plans.enumerated() {
            let number = index + 1
            let caseworker = DemoUsers.caseworkers[number % 2]
            var demoCase = try await DemoCase.open("avrr", [
                "full_name": .string("Current Person \(number)"),
                "sex": .string(number % 3 == 0 ? "male" : "female"),
                "nationality": .string(plan.destination),
                "host_country": .string(plan.host),
                "category": .string(number % 4 == 0 ? "stranded_migrant" : "irregular_migrant"),
                "household_ref": .string("HH-NOW-\(number)"),
            ], on: DemoDays.text(today, minus: plan.openedDaysAgo), key: "demo-now-\(number)", as: caseworker, in: engine)
            for step in plan.steps {
                try await demoCase.advance(step.transition, step.fields, reason: step.reason,
                                           on: DemoDays.text(today, minus: step.daysAgo),
                                           as: step.byApprover ? DemoUsers.approver : caseworker)
            }
        }
    }
}

/// Calendar days relative to the demo's day.
enum DemoDays {
    /// `YYYY-MM-DD` of `days` days before `today` (after it when negative).
    static func text(_ today: Date, minus days: Int) -> String {
        String(today.addingTimeInterval(-Double(days) * 86_400).iso8601.prefix(10))
    }
}
