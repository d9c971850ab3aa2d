import AVRR
import Foundation
import Testing
import WorkflowEngine

/// People and values shared by the AVRR specs.
enum Fixture {
    static let decider = Decider(AVRR.workflow)
    /// When every journey starts: each step then happens a day later.
    static let start = Date(iso8601: "2026-03-02T09:00:00Z")!
    static let day: TimeInterval = 86_400

    static let caseworker = user("cwen", .caseworker)
    static let otherCaseworker = user("dara", .caseworker)
    static let approver = user("amira", .approver)
    /// Holds both roles: the one person four-eyes must stop from approving their own submission.
    static let caseworkerAndApprover = user("alice", .caseworker, .approver)
    static let admin = user("root", .admin)
    static let manager = user("mona", .manager)
    static let system = User(name: User.systemName, roles: [.system], createdAt: start, createdBy: nil)

    static func user(_ name: String, _ roles: Role...) -> User {
        User(name: name, roles: roles, createdAt: start, createdBy: "root")
    }

    // Distinctive personal data, so a leak into any message is easy to spot.
    static let fullName = "Quyen Thi Zhaobrook"
    static let dateOfBirth = "1987-11-23"
    static let documentNumber = "C4471923X"

    /// What a caseworker must give to open a case.
    static let openingFields: FieldValues = [
        "full_name": .string(fullName),
        "host_country": .string("THA"),
        "category": .string("stranded_migrant"),
    ]

    /// A stranded migrant with everything every guard up to `closed` asks for.
    static let readyFields: FieldValues = openingFields.with([
        "date_of_birth": .string(dateOfBirth),
        "sex": .string("female"),
        "nationality": .string("VNM"),
        "destination_country": .string("VNM"),
        "consent_signed_on": .string("2026-03-01"),
        "travel_document": .string("valid"),
        "travel_document_number": .string(documentNumber),
        "exit_clearance": .string("granted"),
        "departure_date": .string("2026-04-15"),
        "arrival_date": .string("2026-04-15"),
        "reintegration_plan": .string("Start-up grant for a tailoring business"),
        "reintegration_grant_usd": .string("1500.00"),
    ])
}

extension FieldValues {
    /// These fields, with `changes` set on top.
    func with(_ changes: FieldValues) -> FieldValues { merging(changes) { _, new in new } }

    /// These fields without `names`.
    func without(_ names: String...) -> FieldValues { filter { !names.contains($0.key) } }
}

/// One case driven through the pure `Decider`, remembering what a store would:
/// the record, the time, and who made each transition last (for four eyes).
struct Journey {
    private(set) var record: CaseRecord
    private(set) var now: Date
    private(set) var latestActors: [String: String] = [:]
    private(set) var events: [EventRecord]

    /// The main road through the workflow, and the way to each state from `registered`.
    static let road: [String: [String]] = [
        "registered": [],
        "counselling": ["start_counselling"],
        "awaiting_approval": ["start_counselling", "submit"],
        "approved": ["start_counselling", "submit", "approve"],
        "travel_arranged": ["start_counselling", "submit", "approve", "arrange_travel"],
        "returned": ["start_counselling", "submit", "approve", "arrange_travel", "confirm_return"],
        "reintegration": ["start_counselling", "submit", "approve", "arrange_travel", "confirm_return", "start_reintegration"],
        "monitoring": ["start_counselling", "submit", "approve", "arrange_travel", "confirm_return", "start_reintegration", "start_monitoring"],
        "closed": ["start_counselling", "submit", "approve", "arrange_travel", "confirm_return", "close"],
        "on_hold": ["start_counselling", "hold"],
    ]

    /// A new case opened by a caseworker at `Fixture.start`.
    init(fields: FieldValues = Fixture.readyFields, by actor: User = Fixture.caseworker) throws(WorkflowError) {
        let new = try Fixture.decider.open(id: UUID(), fields: fields, actor: actor, at: Fixture.start)
        record = new.record
        now = Fixture.start
        events = [new.event]
    }

    /// A case with `fields` taken along the main road to `state`.
    static func at(_ state: String, fields: FieldValues = Fixture.readyFields) throws(WorkflowError) -> Journey {
        var journey = try Journey(fields: fields)
        for transition in road[state] ?? [] {
            try journey.advance(transition, reason: "on the way to \(state)")
        }
        #expect(journey.record.state == state)
        return journey
    }

    /// Takes `transition` a day after the previous step (or `at`), by a user holding one of its roles.
    @discardableResult
    mutating func advance(
        _ transition: String, by actor: User? = nil, fields: FieldValues = [:], reason: String? = nil, at: Date? = nil
    ) throws(WorkflowError) -> CaseChange {
        let when = at ?? now.addingTimeInterval(Fixture.day)
        let change = try Fixture.decider.advance(
            record, transition: transition, fields: fields, reason: reason, actor: actor ?? Journey.actor(for: transition),
            at: when, latestActors: latestActors)
        record = change.record
        now = when
        latestActors[transition] = change.event.actor
        events.append(change.event)
        return change
    }

    /// Sets fields without moving the case, a day after the previous step.
    @discardableResult
    mutating func update(_ fields: FieldValues, by actor: User = Fixture.caseworker) throws(WorkflowError) -> CaseChange {
        let when = now.addingTimeInterval(Fixture.day)
        let change = try Fixture.decider.update(record, fields: fields, reason: nil, actor: actor, at: when)
        record = change.record
        now = when
        events.append(change.event)
        return change
    }

    /// Who normally makes `transition`: an approver for approval decisions, else a caseworker.
    static func actor(for transition: String) -> User {
        ["approve", "reject", "return_to_counselling"].contains(transition) ? Fixture.approver : Fixture.caseworker
    }
}
