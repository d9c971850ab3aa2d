import AVRR
import Foundation
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// Field values are checked against the schema, and personal data never reaches a message.
@Suite("AVRR field data")
struct AVRRDataTests {
    @Test func openingWithoutTheRequiredFieldsNamesEachOne() {
        let error = #expect(throws: WorkflowError.self) {
            try Fixture.decider.open(
                id: UUID(), fields: ["nationality": .string("VNM")], actor: Fixture.caseworker, at: Fixture.start)
        }
        #expect(error?.code == .invalidData)
        #expect(error?.details.count == 3)
        for field in ["full_name", "host_country", "category"] {
            #expect(error?.details.contains { $0.hasPrefix("\(field) ") } == true, "\(field)")
        }
    }

    @Test func aLowerCaseCountryIsRefusedWithAHint() throws {
        var journey = try Journey.at("counselling")
        let error = #expect(throws: WorkflowError.self) {
            try journey.advance("submit", fields: ["destination_country": .string("vnm")])
        }
        #expect(error?.code == .invalidData)
        #expect(error?.details.count == 1)
        #expect(error?.details.first?.hasPrefix("destination_country: ") == true)
        #expect(error?.details.first?.contains("did you mean VNM?") == true)
    }

    @Test func anUnknownCountryCodeIsRefused() throws {
        var journey = try Journey.at("counselling")
        let error = #expect(throws: WorkflowError.self) { try journey.update(["nationality": .string("XYZ")]) }
        #expect(error?.code == .invalidData)
        #expect(error?.details.first?.contains("ISO 3166-1 alpha-3") == true)
    }

    @Test func anUnknownFieldIsRefusedListingTheKnownOnes() throws {
        var journey = try Journey.at("counselling")
        let error = #expect(throws: WorkflowError.self) {
            try journey.advance("submit", fields: ["passport_no": .string("X1")])
        }
        #expect(error?.code == .invalidData)
        #expect(error?.details.first?.contains("passport_no: unknown field of avrr") == true)
        #expect(error?.details.first?.contains("travel_document_number") == true)
    }

    @Test func aValueOutsideTheEnumIsRefusedListingTheAcceptedOnes() throws {
        var journey = try Journey.at("counselling")
        let error = #expect(throws: WorkflowError.self) { try journey.update(["sex": .string("F")]) }
        #expect(error?.code == .invalidData)
        #expect(error?.details == ["sex: 'F' is not one of: female, male, other, unknown"])
    }

    @Test func aNegativeGrantIsRefused() throws {
        var journey = try Journey.at("returned")
        let error = #expect(throws: WorkflowError.self) {
            try journey.update(["reintegration_grant_usd": .string("-50")])
        }
        #expect(error?.code == .invalidData)
        #expect(error?.details == ["reintegration_grant_usd: must be ≥ 0"])
        try journey.update(["reintegration_grant_usd": .string("0")])
        #expect(journey.record.fields["reintegration_grant_usd"] == .decimal(0))
    }

    @Test func everyInvalidFieldIsReportedAtOnceBeforeAnyGuard() throws {
        var journey = try Journey.at("counselling", fields: Fixture.openingFields)
        let error = #expect(throws: WorkflowError.self) {
            try journey.advance("submit", fields: [
                "departure_date": .string("2026-02-30"), "fit_to_travel": .string("perhaps"), "host_country": .string("tha"),
            ])
        }
        #expect(error?.code == .invalidData)
        #expect(error?.details.map { $0.prefix { $0 != ":" } } == ["departure_date", "fit_to_travel", "host_country"])
    }

    @Test func aFinalCaseKeepsItsFields() throws {
        var journey = try Journey.at("closed")
        let error = #expect(throws: WorkflowError.self) { try journey.update(["household_ref": .string("HH-12")]) }
        #expect(error?.code == .notAllowed)
    }

    /// Every refusal a caseworker can provoke on a case holding personal data, or while sending some.
    @Test func personalDataNeverAppearsInAnyErrorMessageOrDetail() throws {
        let personal: FieldValues = [
            "full_name": .string(Fixture.fullName),
            "date_of_birth": .string(Fixture.dateOfBirth),
            "travel_document_number": .string(Fixture.documentNumber),
        ]
        let journeys = [
            try Journey.at("counselling", fields: Fixture.openingFields.with(personal)),
            try Journey.at("awaiting_approval"),
            try Journey.at("closed"),
        ]
        // Each attempt works on its own copy, so every one meets the case as it was.
        let attempts: [(Journey) throws -> Void] = [
            { var j = $0; try j.advance("submit", fields: personal) },
            { var j = $0; try j.advance("submit", fields: personal.with(["sex": .string("x")])) },
            { var j = $0; try j.advance("submit", fields: personal.with(["favourite_food": .string("pho")])) },
            { var j = $0; try j.advance("approve", by: Fixture.caseworker, fields: personal) },
            { var j = $0; try j.advance("start_counselling", by: Fixture.approver, fields: personal) },
            { var j = $0; try j.update(["date_of_birth": .string("1987-11-31")]) },
            { var j = $0; try j.update(["date_of_birth": .string(Fixture.dateOfBirth + "T00:00")]) },
            { var j = $0; try j.update(["full_name": .bool(true), "travel_document_number": .int(4471923)]) },
            { var j = $0; try j.update(["travel_document_number": .array([.string(Fixture.documentNumber)])]) },
        ]
        var errors: [WorkflowError] = []
        for attempt in attempts {
            for journey in journeys {
                do {
                    try attempt(journey)
                } catch let error as WorkflowError {
                    errors.append(error)
                }
            }
        }
        let opening = #expect(throws: WorkflowError.self) {
            try Fixture.decider.open(id: UUID(), fields: personal, actor: Fixture.caseworker, at: Fixture.start)
        }
        errors += [opening].compactMap { $0 }
        #expect(errors.count == attempts.count * journeys.count + 1)
        let leaked = ["Zhaobrook", "1987-11-23", "1987-11-31", "C4471923X", "4471923"]
        for error in errors {
            let text = ([error.message, error.description] + error.details).joined(separator: "\n")
            for value in leaked {
                #expect(!text.contains(value), "\(error.code) leaks personal data: \(error.description)")
            }
        }
    }

    @Test func sensitiveValuesAreNotEchoedWhenRefused() throws {
        var journey = try Journey.at("counselling")
        let error = #expect(throws: WorkflowError.self) {
            try journey.update(["vulnerabilities": .string("medical,hiv_positive"), "category": .string("refugeee")])
        }
        #expect(error?.code == .invalidData)
        let text = error?.description ?? ""
        #expect(!text.contains("hiv_positive"))
        #expect(!text.contains("refugeee"))
        #expect(text.contains("the value given"))
    }
}
