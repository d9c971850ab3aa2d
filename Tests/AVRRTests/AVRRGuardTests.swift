import AVRR
import Foundation
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// One unmet guard: a case in `state` with `fields`, asked to take `transition`.
struct GuardScenario: Sendable, CustomTestStringConvertible {
    let transition: String
    let state: String
    let fields: FieldValues
    var reason: String? = nil
    let unmet: String

    var testDescription: String { "\(transition): \(unmet)" }
}

/// Each guard refuses on its own and names itself; all unmet guards are listed at once.
@Suite("AVRR guards")
struct AVRRGuardTests {
    static let ready = Fixture.readyFields

    static let refusals: [GuardScenario] = [
        .init(transition: "submit", state: "counselling", fields: ready.without("consent_signed_on"),
              unmet: "consent_signed_on set"),
        .init(transition: "submit", state: "counselling", fields: ready.without("destination_country"),
              unmet: "destination_country set"),
        .init(transition: "submit", state: "counselling", fields: ready.with(["destination_country": .string("THA")]),
              unmet: "destination_country ≠ host_country"),
        .init(transition: "submit", state: "counselling", fields: ready.without("travel_document"),
              unmet: "travel_document set"),
        .init(transition: "submit", state: "counselling",
              fields: ready.with(["category": .string("asylum_seeker"), "unhcr_clearance": .string("pending")]),
              unmet: "category asylum_seeker or refugee ⇒ unhcr_clearance = granted"),
        .init(transition: "submit", state: "counselling", fields: ready.with(["category": .string("refugee")]),
              unmet: "category asylum_seeker or refugee ⇒ unhcr_clearance = granted"),
        .init(transition: "submit", state: "counselling",
              fields: ready.with(["vulnerabilities": .string("separated_child"), "best_interests_determination": .string("pending")]),
              unmet: "vulnerabilities has unaccompanied_child or separated_child ⇒ best_interests_determination = completed"),
        .init(transition: "submit", state: "counselling", fields: ready.with(["vulnerabilities": .string("elderly,unaccompanied_child")]),
              unmet: "vulnerabilities has unaccompanied_child or separated_child ⇒ best_interests_determination = completed"),
        .init(transition: "reject", state: "awaiting_approval", fields: ready, unmet: "reason given: pass --reason TEXT"),
        .init(transition: "reject", state: "awaiting_approval", fields: ready, reason: "  \n ", unmet: "reason given: pass --reason TEXT"),
        .init(transition: "return_to_counselling", state: "awaiting_approval", fields: ready, unmet: "reason given: pass --reason TEXT"),
        .init(transition: "arrange_travel", state: "approved", fields: ready.without("departure_date"),
              unmet: "departure_date set"),
        .init(transition: "arrange_travel", state: "approved", fields: ready.with(["travel_document": .string("expired")]),
              unmet: "travel_document valid or emergency_issued"),
        .init(transition: "arrange_travel", state: "approved", fields: ready.with(["exit_clearance": .string("pending")]),
              unmet: "exit_clearance granted or not_required"),
        .init(transition: "arrange_travel", state: "approved", fields: ready.without("exit_clearance"),
              unmet: "exit_clearance granted or not_required"),
        .init(transition: "arrange_travel", state: "approved", fields: ready.with(["vulnerabilities": .string("medical")]),
              unmet: "vulnerabilities has medical ⇒ fit_to_travel = true"),
        .init(transition: "arrange_travel", state: "approved",
              fields: ready.with(["vulnerabilities": .string("pregnant,medical"), "fit_to_travel": .string("false")]),
              unmet: "vulnerabilities has medical ⇒ fit_to_travel = true"),
        .init(transition: "reschedule", state: "travel_arranged", fields: ready, unmet: "reason given: pass --reason TEXT"),
        .init(transition: "confirm_return", state: "travel_arranged", fields: ready.without("arrival_date"),
              unmet: "arrival_date set"),
        .init(transition: "confirm_return", state: "travel_arranged", fields: ready.with(["arrival_date": .string("2026-04-14")]),
              unmet: "arrival_date ≥ departure_date"),
        .init(transition: "start_reintegration", state: "returned", fields: ready.without("reintegration_plan"),
              unmet: "reintegration_plan set"),
        .init(transition: "mark_not_departed", state: "travel_arranged", fields: ready, unmet: "reason given: pass --reason TEXT"),
        .init(transition: "withdraw", state: "approved", fields: ready, unmet: "reason given: pass --reason TEXT"),
        .init(transition: "refer", state: "counselling", fields: ready, unmet: "reason given: pass --reason TEXT"),
        .init(transition: "mark_lost_contact", state: "registered", fields: ready, unmet: "reason given: pass --reason TEXT"),
        .init(transition: "hold", state: "travel_arranged", fields: ready, unmet: "reason given: pass --reason TEXT"),
    ]

    @Test(arguments: refusals)
    func eachGuardRefusesAloneAndNamesItself(_ scenario: GuardScenario) throws {
        var journey = try Journey.at(scenario.state, fields: scenario.fields)
        let error = #expect(throws: WorkflowError.self) {
            try journey.advance(scenario.transition, reason: scenario.reason)
        }
        #expect(error?.code == .guardFailed)
        #expect(error?.details == [scenario.unmet])
        #expect(error?.message.contains(scenario.transition) == true)
        #expect(journey.record.state == scenario.state)
    }

    @Test func submitRefusesListingEveryUnmetGuard() throws {
        let fields = Fixture.openingFields.with([
            "category": .string("asylum_seeker"),
            "vulnerabilities": .string("unaccompanied_child"),
            "destination_country": .string("THA"),
        ])
        var journey = try Journey.at("counselling", fields: fields)
        let error = #expect(throws: WorkflowError.self) { try journey.advance("submit") }
        #expect(error?.code == .guardFailed)
        #expect(error?.message.contains("5 guards unmet") == true)
        #expect(error?.details == [
            "consent_signed_on set",
            "destination_country ≠ host_country",
            "travel_document set",
            "category asylum_seeker or refugee ⇒ unhcr_clearance = granted",
            "vulnerabilities has unaccompanied_child or separated_child ⇒ best_interests_determination = completed",
        ])
    }

    @Test func arrangeTravelRefusesListingEveryUnmetGuard() throws {
        let fields = Fixture.readyFields.without("departure_date", "exit_clearance").with([
            "travel_document": .string("emergency_issued"), "vulnerabilities": .string("medical"),
        ])
        var journey = try Journey.at("approved", fields: fields)
        let error = #expect(throws: WorkflowError.self) {
            try journey.advance("arrange_travel", fields: ["travel_document": .string("none")])
        }
        #expect(error?.details == [
            "departure_date set", "travel_document valid or emergency_issued", "exit_clearance granted or not_required",
            "vulnerabilities has medical ⇒ fit_to_travel = true",
        ])
    }

    @Test func protectionCasesPassOnceUNHCRAndBestInterestsAreSettled() throws {
        let fields = Fixture.readyFields.with([
            "category": .string("refugee"), "unhcr_clearance": .string("granted"),
            "vulnerabilities": .string("unaccompanied_child"), "best_interests_determination": .string("completed"),
        ])
        var journey = try Journey.at("counselling", fields: fields)
        try journey.advance("submit")
        #expect(journey.record.state == "awaiting_approval")
    }

    @Test(arguments: ["irregular_migrant", "rejected_asylum_seeker", "stateless", "victim_of_trafficking"])
    func otherCategoriesNeedNoUNHCRClearance(category: String) throws {
        var journey = try Journey.at("counselling", fields: Fixture.readyFields.with(["category": .string(category)]))
        try journey.advance("submit")
        #expect(journey.record.state == "awaiting_approval")
    }

    @Test func medicalCasesTravelOnceFitToTravel() throws {
        let fields = Fixture.readyFields.with(["vulnerabilities": .string("medical"), "fit_to_travel": .string("yes")])
        var journey = try Journey.at("approved", fields: fields)
        try journey.advance("arrange_travel")
        #expect(journey.record.state == "travel_arranged")
    }

    @Test func arrivalOnTheDayOfDepartureConfirmsTheReturn() throws {
        var journey = try Journey.at("travel_arranged", fields: Fixture.readyFields.without("arrival_date"))
        try journey.advance("confirm_return", fields: ["arrival_date": .string("2026-04-15")])
        #expect(journey.record.state == "returned")
    }

    @Test func guardsSeeTheFieldsTheSameCallSetsAndClears() throws {
        var journey = try Journey.at("counselling", fields: Fixture.readyFields.without("consent_signed_on"))
        let error = #expect(throws: WorkflowError.self) {
            try journey.advance("submit", fields: ["consent_signed_on": .string("2026-03-05"), "travel_document": .string("")])
        }
        #expect(error?.details == ["travel_document set"])
        try journey.advance("submit", fields: ["consent_signed_on": .string("2026-03-05")])
        #expect(journey.record.state == "awaiting_approval")
    }
}
