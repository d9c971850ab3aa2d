import CRVSAssessment
import Foundation
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// The `access` matrix may only speak of the chosen groups and events, in the four levels.
@Suite("CRVS access matrix")
struct CRVSAccessMatrixTests {
    static let chosen = "(chosen: refugees, stateless_persons)"

    /// The problems `access` draws when set on a case in data collection (refugees, stateless × birth, death).
    func problems(with access: JSONValue) throws -> [String] {
        var journey = try Journey.at("data_collection", fields: Fixture.readyFields.without("access"))
        let error = #expect(throws: WorkflowError.self) { try journey.update(["access": access]) }
        #expect(error?.code == .invalidData)
        #expect(journey.record.fields["access"] == nil)
        return error?.details ?? []
    }

    @Test func aGroupOutsideTheChosenPopulationGroupsIsRefused() throws {
        #expect(try problems(with: Fixture.access(["asylum_seekers": ["birth": "full"]])) == [
            "access: population group 'asylum_seekers' is not one of the chosen population_groups \(Self.chosen)",
        ])
    }

    @Test func aNameThatIsNoPopulationGroupAtAllIsRefusedTheSameWay() throws {
        #expect(try problems(with: Fixture.access(["migrants": ["birth": "full"]])) == [
            "access: population group 'migrants' is not one of the chosen population_groups \(Self.chosen)",
        ])
    }

    @Test func anEventOutsideTheChosenVitalEventsIsRefused() throws {
        #expect(try problems(with: Fixture.access(["refugees": ["marriage": "none"]])) == [
            "access: refugees: vital event 'marriage' is not one of the chosen vital_events (chosen: birth, death)",
        ])
    }

    @Test(arguments: ["good", "Full", "", "yes"])
    func aLevelOtherThanFullPartialNoneOrUnknownIsRefused(level: String) throws {
        #expect(try problems(with: Fixture.access(["stateless_persons": ["death": level]])) == [
            "access: stateless_persons × death: '\(level)' is not an access level; accepted: full, partial, none, unknown",
        ])
    }

    @Test func aLevelThatIsNotTextIsRefused() throws {
        #expect(try problems(with: .object(["refugees": .object(["birth": .int(1)])])) == [
            "access: refugees × birth: '1' is not an access level; accepted: full, partial, none, unknown",
        ])
    }

    @Test func somethingOtherThanAnObjectOfObjectsIsRefused() throws {
        #expect(try problems(with: .array([.string("refugees")])) == [
            #"access: must be a JSON object keyed by population group, each an object keyed by vital event, e.g. {"refugees": {"birth": "partial"}}"#,
        ])
        #expect(try problems(with: .object(["refugees": .string("full")])) == [
            #"access: refugees must be a JSON object keyed by vital event, e.g. {"birth": "full"}"#,
        ])
    }

    @Test func everyProblemIsListedAtOnce() throws {
        let matrix = Fixture.access([
            "refugees": ["birth": "maybe", "divorce": "full"], "undocumented_persons": ["birth": "none"],
        ])
        #expect(try problems(with: matrix) == [
            "access: refugees × birth: 'maybe' is not an access level; accepted: full, partial, none, unknown",
            "access: refugees: vital event 'divorce' is not one of the chosen vital_events (chosen: birth, death)",
            "access: population group 'undocumented_persons' is not one of the chosen population_groups \(Self.chosen)",
        ])
    }

    @Test func beforeAnyScopeIsChosenTheRefusalSaysToChooseItFirst() throws {
        let error = #expect(throws: WorkflowError.self) {
            try Fixture.decider.open(
                id: UUID(), fields: ["country": .string("MYS"), "access": Fixture.access(["refugees": ["birth": "full"]])],
                actor: Fixture.coordinator, at: Fixture.start)
        }
        #expect(error?.code == .invalidData)
        #expect(error?.details == [
            "access: population group 'refugees' is not one of the chosen population_groups (none chosen yet: set population_groups first)",
        ])
    }

    @Test func aPartialMatrixIsAcceptedWhileDataIsCollected() throws {
        var journey = try Journey.at("data_collection", fields: Fixture.readyFields.without("access"))
        try journey.update(["access": Fixture.access(["refugees": ["birth": "partial"]])])
        try journey.update(["access": Fixture.fullAccess])
        #expect(journey.record.fields["access"] == Fixture.fullAccess)
    }

    @Test func aMatrixTypedAsJSONTextIsParsedAndChecked() throws {
        var journey = try Journey.at("data_collection", fields: Fixture.readyFields.without("access"))
        try journey.update(["access": .string(#"{"refugees": {"death": "none"}}"#)])
        #expect(journey.record.fields["access"] == Fixture.access(["refugees": ["death": "none"]]))
        let error = #expect(throws: WorkflowError.self) {
            try journey.update(["access": .string(#"{"refugees": {"death": "nil"}}"#)])
        }
        #expect(error?.code == .invalidData)
    }

    @Test func narrowingTheScopeBelowWhatTheMatrixCoversIsRefused() throws {
        var journey = try Journey.at("data_collection")
        let error = #expect(throws: WorkflowError.self) { try journey.update(["population_groups": .string("refugees")]) }
        #expect(error?.code == .invalidData)
        #expect(error?.details == [
            "access: population group 'stateless_persons' is not one of the chosen population_groups (chosen: refugees)",
        ])
    }

    @Test func aBadMatrixIsRefusedBeforeAnyGuardIsChecked() throws {
        var journey = try Journey.at("data_collection", fields: Fixture.readyFields.without("access"))
        let error = #expect(throws: WorkflowError.self) {
            try journey.advance("start_analysis", fields: ["access": Fixture.access(["refugees": ["birth": "most"]])])
        }
        #expect(error?.code == .invalidData)
        #expect(journey.record.state == "data_collection")
    }
}
