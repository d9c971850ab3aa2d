import Foundation
import WorkflowEngine

/// Demo Joint Periods of Action 1–3 and their operations, after the programme's own reporting.
///
/// From the seeds (Ad Hoc Group Progress Report, October 2017, item 1.3):
/// - JPA 1, the Working Group's inaugural activity, ran 28 September – 28 October 2015 with eight countries.
/// - JPA 2 ran six months, May to November 2016, with 10 countries; over 30 arrests, and networks
///   disrupted in Malaysia, the Maldives, the Philippines, Thailand and the USA.
/// - JPA 3 ran March to August 2017: Australia, Bangladesh, Indonesia, Malaysia, the Maldives, New Zealand,
///   the Philippines, Sri Lanka, Thailand and the USA carried out nine joint operations; networks
///   engaged in online commercial sexual exploitation of children were also targeted.
///
/// Illustrative (not in the seeds): the eight JPA 1 countries, five of the ten JPA 2 countries, exact days,
/// JPA 2's extension, every operation's lead country, target and counts (they match the seeds' totals
/// where the seeds give one: JPA 2's arrests sum to 33), the cancelled JPA 2 operation, the correction,
/// and all prosecutions and convictions. Outcomes are counts only: no names of suspects or victims.
enum JPADemo {
    /// Outcome counts recorded on one day.
    struct Tally {
        let day: String
        let counts: [(String, Int)]
        var reason: String? = nil

        init(_ day: String, _ counts: [(String, Int)], reason: String? = nil) {
            self.day = day
            self.counts = counts
            self.reason = reason
        }
    }

    struct Operation {
        let lead: String
        let target: String
        let with: String
        let opened: String
        /// The launch day, or the day it was cancelled when `cancelled` gives the reason.
        let launch: String
        var cancelled: String? = nil
        var during: [Tally] = []
        /// The day it went to the courts (needs arrests), if it did.
        var referred: String? = nil
        /// Prosecutions and convictions recorded after the period concluded.
        var later: [Tally] = []
        /// The day it concluded; nil: still active or before the courts.
        var concluded: String? = nil
    }

    struct Period {
        let name: String
        let opened: String
        let startsOn: String
        let endsOn: String
        let countries: String
        var extended: (day: String, endsOn: String, reason: String)? = nil
        let concluded: String
        /// The report's day and summary; nil: concluded, report still to come.
        var reported: (day: String, summary: String)? = nil
        let operations: [Operation]
    }

    static let targetWords = [
        "people_smuggling": "people smuggling", "trafficking_in_persons": "trafficking in persons",
        "online_child_sexual_exploitation": "online child sexual exploitation", "mixed": "smuggling and trafficking",
    ]

    static let periods: [Period] = [
        Period(
            name: "JPA 1", opened: "2015-08-17", startsOn: "2015-09-28", endsOn: "2015-10-28",
            countries: "AUS,BGD,IDN,LKA,MYS,NZL,PHL,THA", concluded: "2015-11-16",
            reported: ("2016-02-15", "Inaugural Joint Period of Action, 28 September to 28 October 2015: eight countries ran separate but coordinated operations against people-smuggling and trafficking networks."),
            operations: [
                Operation(lead: "IDN", target: "people_smuggling", with: "IDN,AUS", opened: "2015-09-14", launch: "2015-09-28",
                          during: [Tally("2015-10-09", [("suspects_identified", 9), ("arrests", 5), ("investigations_launched", 3)]),
                                   Tally("2015-10-27", [("networks_disrupted", 1)])],
                          referred: "2015-10-28",
                          later: [Tally("2016-01-20", [("prosecutions", 4)]), Tally("2016-06-14", [("convictions", 3)])],
                          concluded: "2016-06-20"),
                Operation(lead: "THA", target: "trafficking_in_persons", with: "THA,MYS", opened: "2015-09-16", launch: "2015-09-30",
                          during: [Tally("2015-10-14", [("suspects_identified", 6), ("arrests", 3), ("victims_identified", 11),
                                                        ("investigations_launched", 2)]),
                                   Tally("2015-10-22", [("arrests", -1)],
                                         reason: "One arrest was reported by both the Thai and the Malaysian team: counted once.")],
                          referred: "2015-10-26",
                          later: [Tally("2016-02-08", [("prosecutions", 2)]), Tally("2016-09-12", [("convictions", 1)])],
                          concluded: "2016-09-19"),
                Operation(lead: "LKA", target: "people_smuggling", with: "LKA,AUS", opened: "2015-09-21", launch: "2015-10-05",
                          during: [Tally("2015-10-20", [("suspects_identified", 4), ("investigations_launched", 2)])],
                          concluded: "2015-10-30"),
            ]),
        Period(
            name: "JPA 2", opened: "2016-03-14", startsOn: "2016-05-02", endsOn: "2016-10-31",
            countries: "AUS,BGD,IDN,LKA,MDV,MYS,NZL,PHL,THA,USA",
            extended: ("2016-10-17", "2016-11-30", "Two operations still under way; the working group agreed to run to the end of November."),
            concluded: "2016-12-12",
            reported: ("2017-03-20", "Six months, May to November 2016, ten countries: over 30 arrests and networks disrupted in Malaysia, the Maldives, the Philippines, Thailand and the USA."),
            operations: [
                Operation(lead: "MYS", target: "people_smuggling", with: "MYS,IDN,AUS", opened: "2016-04-18", launch: "2016-05-02",
                          during: [Tally("2016-06-21", [("suspects_identified", 14), ("arrests", 9), ("investigations_launched", 4)]),
                                   Tally("2016-09-05", [("networks_disrupted", 1)])],
                          referred: "2016-09-12",
                          later: [Tally("2017-02-13", [("prosecutions", 6)]), Tally("2017-08-21", [("convictions", 4)])],
                          concluded: "2017-08-28"),
                Operation(lead: "MDV", target: "trafficking_in_persons", with: "MDV,LKA", opened: "2016-04-25", launch: "2016-05-16",
                          during: [Tally("2016-07-11", [("suspects_identified", 6), ("arrests", 4), ("victims_identified", 9)]),
                                   Tally("2016-08-29", [("networks_disrupted", 1)])],
                          referred: "2016-09-19",
                          later: [Tally("2017-04-03", [("prosecutions", 3)])]),
                Operation(lead: "PHL", target: "trafficking_in_persons", with: "PHL,AUS,USA", opened: "2016-05-02", launch: "2016-06-06",
                          during: [Tally("2016-08-01", [("suspects_identified", 11), ("arrests", 7), ("victims_identified", 14),
                                                        ("investigations_launched", 5)]),
                                   Tally("2016-10-24", [("networks_disrupted", 1)])],
                          referred: "2016-11-07",
                          later: [Tally("2017-03-06", [("prosecutions", 5)]), Tally("2017-11-13", [("convictions", 3)])],
                          concluded: "2017-11-20"),
                Operation(lead: "THA", target: "mixed", with: "THA,MYS,BGD", opened: "2016-05-09", launch: "2016-06-20",
                          during: [Tally("2016-08-15", [("suspects_identified", 12), ("arrests", 8), ("victims_identified", 21)]),
                                   Tally("2016-11-14", [("investigations_launched", 3), ("networks_disrupted", 1)])],
                          referred: "2016-11-28",
                          later: [Tally("2017-05-15", [("prosecutions", 6)]), Tally("2018-01-22", [("convictions", 5)])],
                          concluded: "2018-01-29"),
                Operation(lead: "USA", target: "people_smuggling", with: "USA,PHL,NZL", opened: "2016-06-13", launch: "2016-07-04",
                          during: [Tally("2016-09-26", [("suspects_identified", 7), ("arrests", 5), ("investigations_launched", 2)]),
                                   Tally("2016-11-21", [("networks_disrupted", 1)])],
                          referred: "2016-11-29",
                          later: [Tally("2017-06-12", [("prosecutions", 4)])]),
                Operation(lead: "IDN", target: "people_smuggling", with: "IDN,AUS", opened: "2016-06-27", launch: "2016-08-08",
                          cancelled: "The target network moved its departure point before the operation could start."),
            ]),
        Period(
            name: "JPA 3", opened: "2017-01-23", startsOn: "2017-03-01", endsOn: "2017-08-31",
            countries: "AUS,BGD,IDN,LKA,MDV,MYS,NZL,PHL,THA,USA", concluded: "2017-09-15",
            operations: [
                Operation(lead: "AUS", target: "people_smuggling", with: "AUS,IDN,LKA", opened: "2017-02-13", launch: "2017-03-01",
                          during: [Tally("2017-05-08", [("suspects_identified", 8), ("arrests", 4), ("investigations_launched", 3)]),
                                   Tally("2017-07-24", [("networks_disrupted", 1)])],
                          referred: "2017-08-07", later: [Tally("2017-12-11", [("prosecutions", 3)])]),
                Operation(lead: "BGD", target: "trafficking_in_persons", with: "BGD,MYS", opened: "2017-02-20", launch: "2017-03-13",
                          during: [Tally("2017-05-22", [("suspects_identified", 5), ("arrests", 3), ("victims_identified", 17)])],
                          referred: "2017-08-14", later: [Tally("2018-02-05", [("prosecutions", 2)])]),
                Operation(lead: "IDN", target: "people_smuggling", with: "IDN,AUS", opened: "2017-02-20", launch: "2017-03-20",
                          during: [Tally("2017-06-12", [("suspects_identified", 6), ("arrests", 3)]),
                                   Tally("2017-08-21", [("networks_disrupted", 1)])],
                          referred: "2017-08-28",
                          later: [Tally("2018-01-15", [("prosecutions", 3)]), Tally("2018-07-09", [("convictions", 2)])],
                          concluded: "2018-07-16"),
                Operation(lead: "LKA", target: "people_smuggling", with: "LKA,AUS", opened: "2017-03-06", launch: "2017-04-03",
                          during: [Tally("2017-06-26", [("suspects_identified", 4), ("investigations_launched", 2)])],
                          concluded: "2017-08-31"),
                Operation(lead: "MDV", target: "trafficking_in_persons", with: "MDV,LKA", opened: "2017-03-06", launch: "2017-04-10",
                          during: [Tally("2017-07-03", [("suspects_identified", 3), ("arrests", 2), ("victims_identified", 6)])],
                          referred: "2017-08-21", later: [Tally("2018-03-19", [("prosecutions", 2)])]),
                Operation(lead: "MYS", target: "trafficking_in_persons", with: "MYS,THA,BGD", opened: "2017-03-13", launch: "2017-04-17",
                          during: [Tally("2017-06-19", [("suspects_identified", 9), ("arrests", 6), ("victims_identified", 12),
                                                        ("investigations_launched", 4)]),
                                   Tally("2017-08-14", [("networks_disrupted", 1)])],
                          referred: "2017-08-28",
                          later: [Tally("2018-02-26", [("prosecutions", 5)]), Tally("2018-10-08", [("convictions", 3)])],
                          concluded: "2018-10-15"),
                Operation(lead: "NZL", target: "people_smuggling", with: "NZL,AUS", opened: "2017-03-20", launch: "2017-05-01",
                          during: [Tally("2017-07-17", [("suspects_identified", 2), ("investigations_launched", 1)])],
                          concluded: "2017-08-31"),
                Operation(lead: "PHL", target: "online_child_sexual_exploitation", with: "PHL,USA,AUS", opened: "2017-03-20", launch: "2017-05-08",
                          during: [Tally("2017-07-10", [("suspects_identified", 7), ("arrests", 5), ("victims_identified", 15),
                                                        ("investigations_launched", 4)]),
                                   Tally("2017-08-28", [("networks_disrupted", 2)])],
                          referred: "2017-08-30",
                          later: [Tally("2017-12-04", [("prosecutions", 4)]), Tally("2018-05-21", [("convictions", 3)])],
                          concluded: "2018-05-28"),
                Operation(lead: "THA", target: "online_child_sexual_exploitation", with: "THA,USA", opened: "2017-04-03", launch: "2017-05-15",
                          during: [Tally("2017-07-31", [("suspects_identified", 5), ("arrests", 3), ("victims_identified", 8)])],
                          referred: "2017-08-29", later: [Tally("2018-01-29", [("prosecutions", 3)])]),
            ]),
    ]

    /// Loads the three periods in order; returns their references (JPA 1 first).
    static func load(into engine: Engine) async throws -> [String] {
        var references: [String] = []
        for (index, plan) in periods.enumerated() {
            let key = "demo-jpa-\(index + 1)"
            var period = try await DemoCase.open("jpa.period", [
                "name": .string(plan.name), "starts_on": .string(plan.startsOn), "ends_on": .string(plan.endsOn),
                "participating_countries": .string(plan.countries),
            ], on: plan.opened, key: key, in: engine)
            try await period.advance("start", on: plan.startsOn)

            // Operations are launched while the period is active; the courts come after.
            var operations: [DemoCase] = []
            for (number, op) in plan.operations.enumerated() {
                let name = "\(plan.name): \(op.lead)-led operation against \(targetWords[op.target] ?? op.target)"
                var operation = try await DemoCase.open("jpa.operation", [
                    "name": .string(name), "lead_country": .string(op.lead), "participating_countries": .string(op.with),
                    "target": .string(op.target),
                ], parent: period, on: op.opened, key: "\(key)-op-\(number + 1)", in: engine)
                if let reason = op.cancelled {
                    try await operation.advance("cancel", reason: reason, on: op.launch)
                } else {
                    try await operation.advance("launch", on: op.launch)
                    try await record(op.during, on: &operation)
                    if let day = op.referred { try await operation.advance("refer_for_prosecution", on: day) }
                }
                operations.append(operation)
            }
            if let extended = plan.extended {
                try await period.advance("extend", ["ends_on": .string(extended.endsOn)], reason: extended.reason, on: extended.day)
            }
            try await period.advance("conclude", on: plan.concluded)
            if let report = plan.reported {
                try await period.advance("report", ["report_summary": .string(report.summary)], on: report.day)
            }

            for (op, var operation) in zip(plan.operations, operations) where op.cancelled == nil {
                try await record(op.later, on: &operation)
                if let day = op.concluded { try await operation.advance("conclude", on: day) }
            }
            references.append(period.reference)
            Output.note("rsoctl demo: \(plan.name) (\(period.reference)), \(operations.count) operations")
        }
        return references
    }

    private static func record(_ tallies: [Tally], on operation: inout DemoCase) async throws {
        for tally in tallies {
            for (outcome, count) in tally.counts {
                try await operation.record(outcome, count, reason: tally.reason, on: tally.day)
            }
        }
    }
}
