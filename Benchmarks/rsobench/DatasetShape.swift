import AVRR
import JointPeriodOfAction
import WorkflowEngine

/// What the generated data looks like: AVRR cases opened 2015–2025, walked along weighted moves until 2026.
enum DatasetShape {
    static let workflow = AVRR.workflow
    /// Cases open from this instant…
    static let firstInstant = "2015-01-01 00:00:00+00"
    /// …over this many days (to the end of 2025); no event happens at or after `endInstant`.
    static let openingDays = 4_017
    static let endInstant = "2026-01-01 00:00:00+00"

    /// Days the metrics are asked about: the middle of the history, a month before its end, and a full year of flow.
    static let middleDay = SimpleDate("2020-06-30")!
    static let lateDay = SimpleDate("2025-11-30")!
    static let flowYear = (from: SimpleDate("2023-01-01")!, to: SimpleDate("2023-12-31")!)
    static let flowState = "returned"

    /// Outcome counts beside the AVRR history: one jpa.operation per `casesPerOperation` AVRR cases, opened over the
    /// same years, each with `recordsPerOperation` outcome records a month apart; `metrics outcomes` is asked for a year.
    static let operations = JPA.operation
    static let casesPerOperation = 50
    static let recordsPerOperation = 5
    static let outcomeYear = (from: SimpleDate("2022-01-01")!, to: SimpleDate("2022-12-31")!)

    /// One possible next step from a state: its weight among the state's moves and how many days it takes.
    struct Move {
        let from: String
        let transition: String
        /// `nil` for a transition back to the previous state (`resume`).
        let to: String?
        let weight: Int
        let days: ClosedRange<Int>
    }

    /// The main path (registered → … → closed) with side exits, holds and loops back.
    static let moves: [Move] = [
        Move(from: "registered", transition: "start_counselling", to: "counselling", weight: 92, days: 1...21),
        Move(from: "registered", transition: "refer", to: "referred", weight: 3, days: 1...30),
        Move(from: "registered", transition: "withdraw", to: "withdrawn", weight: 3, days: 1...30),
        Move(from: "registered", transition: "mark_lost_contact", to: "lost_contact", weight: 2, days: 14...60),
        Move(from: "counselling", transition: "submit", to: "awaiting_approval", weight: 82, days: 7...60),
        Move(from: "counselling", transition: "hold", to: "on_hold", weight: 5, days: 3...30),
        Move(from: "counselling", transition: "withdraw", to: "withdrawn", weight: 6, days: 3...45),
        Move(from: "counselling", transition: "refer", to: "referred", weight: 3, days: 3...45),
        Move(from: "counselling", transition: "mark_lost_contact", to: "lost_contact", weight: 4, days: 14...90),
        Move(from: "awaiting_approval", transition: "approve", to: "approved", weight: 84, days: 1...21),
        Move(from: "awaiting_approval", transition: "return_to_counselling", to: "counselling", weight: 6, days: 1...21),
        Move(from: "awaiting_approval", transition: "reject", to: "rejected", weight: 5, days: 1...21),
        Move(from: "awaiting_approval", transition: "hold", to: "on_hold", weight: 2, days: 1...21),
        Move(from: "awaiting_approval", transition: "withdraw", to: "withdrawn", weight: 2, days: 1...21),
        Move(from: "awaiting_approval", transition: "refer", to: "referred", weight: 1, days: 1...21),
        Move(from: "approved", transition: "arrange_travel", to: "travel_arranged", weight: 90, days: 7...45),
        Move(from: "approved", transition: "hold", to: "on_hold", weight: 4, days: 3...30),
        Move(from: "approved", transition: "withdraw", to: "withdrawn", weight: 3, days: 3...30),
        Move(from: "approved", transition: "mark_lost_contact", to: "lost_contact", weight: 3, days: 14...60),
        Move(from: "travel_arranged", transition: "confirm_return", to: "returned", weight: 88, days: 3...30),
        Move(from: "travel_arranged", transition: "reschedule", to: "approved", weight: 5, days: 1...14),
        Move(from: "travel_arranged", transition: "mark_not_departed", to: "not_departed", weight: 3, days: 7...30),
        Move(from: "travel_arranged", transition: "hold", to: "on_hold", weight: 2, days: 1...14),
        Move(from: "travel_arranged", transition: "withdraw", to: "withdrawn", weight: 2, days: 1...14),
        Move(from: "returned", transition: "start_reintegration", to: "reintegration", weight: 85, days: 7...45),
        Move(from: "returned", transition: "close", to: "closed", weight: 15, days: 14...90),
        Move(from: "reintegration", transition: "start_monitoring", to: "monitoring", weight: 100, days: 30...180),
        Move(from: "monitoring", transition: "close", to: "closed", weight: 100, days: 90...365),
        Move(from: "on_hold", transition: "resume", to: nil, weight: 85, days: 7...60),
        Move(from: "on_hold", transition: "withdraw", to: "withdrawn", weight: 8, days: 7...60),
        Move(from: "on_hold", transition: "mark_lost_contact", to: "lost_contact", weight: 7, days: 14...60),
    ]

    /// Transitions only an approver may make (every other one is a caseworker's).
    static let approverTransitions = ["approve", "reject", "return_to_counselling"]
    /// Transitions whose guard wants a reason.
    static let reasonTransitions = ["reject", "return_to_counselling", "reschedule", "mark_not_departed", "withdraw",
                                    "refer", "mark_lost_contact", "hold"]

    /// Every move must be a transition of the definition, to the state it claims: the data must be data the engine could write.
    static func validate() throws {
        for move in moves {
            guard let transition = workflow.transition(move.transition, from: move.from) else {
                throw BenchmarkError("\(move.transition) does not leave \(move.from) in \(workflow.id)")
            }
            switch (transition.to, move.to) {
            case (.state(let target), .some(let claimed)) where target == claimed: continue
            case (.previous, nil): continue
            default: throw BenchmarkError("\(move.transition) from \(move.from) does not lead to \(move.to ?? "(previous)")")
            }
        }
        for name in approverTransitions + reasonTransitions {
            guard workflow.transitions.contains(where: { $0.name == name }) else {
                throw BenchmarkError("\(workflow.id) has no transition \(name)")
            }
        }
    }

    /// The moves as SQL rows: cumulative probability bounds per state, so that one `random()` picks the move.
    static var movesSQL: String {
        var rows: [String] = []
        for (state, group) in Dictionary(grouping: moves, by: \.from) {
            let total = Double(group.reduce(0) { $0 + $1.weight })
            var low = 0.0
            for (index, move) in group.enumerated() {
                let high = index == group.count - 1 ? 2.0 : low + Double(move.weight) / total
                rows.append("('\(state)', '\(move.transition)', \(move.to.map { "'\($0)'" } ?? "NULL"), \(low), \(high), \(move.days.lowerBound), \(move.days.upperBound))")
                low = high
            }
        }
        return rows.joined(separator: ",\n")
    }
}

/// A failure of the benchmark itself (wrong data, a refused database), with its explanation.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
