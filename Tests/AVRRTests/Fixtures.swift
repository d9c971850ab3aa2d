import AVRR
import Foundation
import Testing
import WorkflowEngine
import WorkflowTestSupport

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

extension Journey {
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
        try self.init(Fixture.decider, fields: fields, by: actor, at: Fixture.start, actor: Journey.actor(for:), editor: Fixture.caseworker)
    }

    /// A case with `fields` taken along the main road to `state`.
    static func at(_ state: String, fields: FieldValues = Fixture.readyFields) throws(WorkflowError) -> Journey {
        var journey = try Journey(fields: fields)
        try journey.follow(road[state] ?? [], to: state)
        #expect(journey.record.state == state)
        return journey
    }

    /// Who normally makes `transition`: an approver for approval decisions, else a caseworker.
    static func actor(for transition: String) -> User {
        ["approve", "reject", "return_to_counselling"].contains(transition) ? Fixture.approver : Fixture.caseworker
    }
}
