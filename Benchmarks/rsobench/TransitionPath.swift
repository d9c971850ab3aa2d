import Foundation
import WorkflowEngine

/// The five transitions each freshly opened case is driven through: registered → … → returned.
struct TransitionStep: Sendable {
    let transition: String
    let from: String
    let to: String
    let actor: String
    let role: Role
    let fields: FieldValues
    /// Days until the state's timer falls due, as the AVRR definition sets it (nil when it has none).
    let dueInDays: Int?

    static func path(today: String) -> [TransitionStep] {
        let caseworker = "bench-cw-01", approver = "bench-ap-01"
        return [
            TransitionStep(transition: "start_counselling", from: "registered", to: "counselling",
                           actor: caseworker, role: .caseworker, fields: [:], dueInDays: nil),
            TransitionStep(transition: "submit", from: "counselling", to: "awaiting_approval", actor: caseworker, role: .caseworker,
                           fields: ["consent_signed_on": .string(today), "destination_country": .string("MMR"),
                                    "travel_document": .string("valid")], dueInDays: 14),
            TransitionStep(transition: "approve", from: "awaiting_approval", to: "approved",
                           actor: approver, role: .approver, fields: [:], dueInDays: 30),
            TransitionStep(transition: "arrange_travel", from: "approved", to: "travel_arranged", actor: caseworker, role: .caseworker,
                           fields: ["departure_date": .string(today), "exit_clearance": .string("granted")], dueInDays: 7),
            TransitionStep(transition: "confirm_return", from: "travel_arranged", to: "returned", actor: caseworker, role: .caseworker,
                           fields: ["arrival_date": .string(today)], dueInDays: nil),
        ]
    }

    /// The fields a new case is opened with.
    static func openingFields(_ number: Int) -> FieldValues {
        ["full_name": .string("Bench Traveller \(number)"), "host_country": .string("THA"), "nationality": .string("MMR"),
         "category": .string("irregular_migrant"), "sex": .string("female"), "travel_document": .string("none")]
    }

    /// Today (UTC) as the engine writes dates.
    static var today: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }
}

/// Runs `work` for every item on `workers` concurrent tasks, each taking every `workers`-th item in turn.
func concurrently<Item: Sendable>(
    _ items: [Item], workers: Int, _ work: @escaping @Sendable (Int, Item) async throws -> Void
) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<max(1, workers) {
            group.addTask {
                for index in stride(from: worker, to: items.count, by: max(1, workers)) {
                    try await work(index, items[index])
                }
            }
        }
        try await group.waitForAll()
    }
}
