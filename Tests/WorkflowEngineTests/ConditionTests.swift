import Foundation
import Testing
import WorkflowEngine

/// What each guard condition decides, on the fields as they would be after the change.
@Suite("Condition semantics")
struct ConditionTests {
    func context(
        _ fields: FieldValues = [:], previous: FieldValues = [:], reason: String? = nil,
        actor: String = "alice", latest: [String: String] = [:]
    ) -> GuardContext {
        GuardContext(fields: fields, previousFields: previous, reason: reason, actor: actor, latestActors: latest)
    }

    @Test func isSetNeedsAValueThatIsNotEmpty() {
        let isSet = Condition.isSet("x")
        #expect(isSet.holds(in: context(["x": .string("a")])))
        #expect(isSet.holds(in: context(["x": .bool(false)])))
        #expect(isSet.holds(in: context(["x": .int(0)])))
        for empty: JSONValue in [.null, .string(""), .array([]), .object([:])] {
            #expect(!isSet.holds(in: context(["x": empty])), "\(empty)")
        }
        #expect(!isSet.holds(in: context()))
    }

    @Test func oneOfNeedsTheFieldSetToOneOfTheValues() {
        let clearance = Condition.oneOf("c", ["granted", "not_required"])
        #expect(clearance.holds(in: context(["c": .string("granted")])))
        #expect(!clearance.holds(in: context(["c": .string("pending")])))
        #expect(!clearance.holds(in: context()))
    }

    @Test func containsNeedsOneOfTheValuesInTheList() {
        let child = Condition.contains("v", ["unaccompanied_child", "separated_child"])
        #expect(child.holds(in: context(["v": .array([.string("medical"), .string("separated_child")])])))
        #expect(!child.holds(in: context(["v": .array([.string("medical")])])))
        #expect(!child.holds(in: context(["v": .array([])])))
        #expect(!child.holds(in: context()))
    }

    @Test func comparePassesWhileEitherSideIsUnset() {
        let later = Condition.compare("arrival", .greaterOrEqual, .field("departure"))
        #expect(later.holds(in: context()))
        #expect(later.holds(in: context(["arrival": .string("2024-01-01")])))
        #expect(later.holds(in: context(["departure": .string("2024-01-01")])))
        #expect(later.holds(in: context(["arrival": .string(""), "departure": .string("2024-01-01")])))
    }

    @Test func compareOrdersDatesAsDaysAndNumbersAsNumbers() {
        let later = Condition.compare("arrival", .greaterOrEqual, .field("departure"))
        #expect(later.holds(in: context(["arrival": .string("2024-03-01"), "departure": .string("2024-03-01")])))
        #expect(later.holds(in: context(["arrival": .string("2024-10-01"), "departure": .string("2024-09-30")])))
        #expect(!later.holds(in: context(["arrival": .string("2024-02-29"), "departure": .string("2024-03-01")])))

        let more = Condition.compare("n", .greater, .field("m"))
        #expect(more.holds(in: context(["n": .int(10), "m": .int(9)])))
        #expect(more.holds(in: context(["n": .decimal(Decimal(string: "9.5")!), "m": .int(9)])))
        #expect(!more.holds(in: context(["n": .int(9), "m": .decimal(Decimal(string: "9.5")!)])))
    }

    @Test func compareAgainstAValueCoversEveryComparison() {
        let n: FieldValues = ["n": .int(5)]
        #expect(Condition.compare("n", .equal, .value(.int(5))).holds(in: context(n)))
        #expect(Condition.compare("n", .notEqual, .value(.int(4))).holds(in: context(n)))
        #expect(Condition.compare("n", .greater, .value(.int(4))).holds(in: context(n)))
        #expect(Condition.compare("n", .less, .value(.int(6))).holds(in: context(n)))
        #expect(Condition.compare("n", .lessOrEqual, .value(.int(5))).holds(in: context(n)))
        #expect(!Condition.compare("n", .notEqual, .value(.int(5))).holds(in: context(n)))
        #expect(!Condition.compare("n", .greaterOrEqual, .value(.int(6))).holds(in: context(n)))
    }

    @Test func impliesRequiresTheConclusionOnlyWhenThePremiseHolds() {
        let clearance = Condition.implies(.oneOf("category", ["refugee"]), .oneOf("unhcr", ["granted"]))
        #expect(clearance.holds(in: context(["category": .string("stranded_migrant")])))
        #expect(clearance.holds(in: context()))
        #expect(clearance.holds(in: context(["category": .string("refugee"), "unhcr": .string("granted")])))
        #expect(!clearance.holds(in: context(["category": .string("refugee"), "unhcr": .string("pending")])))
        #expect(!clearance.holds(in: context(["category": .string("refugee")])))
    }

    @Test func increasedNeedsANewValueLaterThanTheCurrentOne() {
        let extended = Condition.increased("ends_on")
        #expect(extended.holds(in: context(["ends_on": .string("2024-06-30")], previous: ["ends_on": .string("2024-06-01")])))
        #expect(extended.holds(in: context(["ends_on": .string("2024-06-30")])))
        #expect(!extended.holds(in: context(["ends_on": .string("2024-06-01")], previous: ["ends_on": .string("2024-06-01")])))
        #expect(!extended.holds(in: context(["ends_on": .string("2024-05-01")], previous: ["ends_on": .string("2024-06-01")])))
        #expect(!extended.holds(in: context(previous: ["ends_on": .string("2024-06-01")])))
    }

    @Test func reasonGivenNeedsMoreThanWhitespace() {
        #expect(Condition.reasonGiven.holds(in: context(reason: "client asked")))
        for reason: String? in [nil, "", "   ", " \n\t "] {
            #expect(!Condition.reasonGiven.holds(in: context(reason: reason)), "\(String(describing: reason))")
        }
    }

    @Test func fourEyesRefusesOnlyTheLatestActorOfTheTransition() {
        let fourEyes = Condition.notActorOfLatest("submit")
        #expect(fourEyes.holds(in: context(actor: "alice")))
        #expect(fourEyes.holds(in: context(actor: "alice", latest: ["submit": "bob", "approve": "alice"])))
        #expect(!fourEyes.holds(in: context(actor: "alice", latest: ["submit": "alice"])))
    }

    @Test func aCustomConditionDecidesWithItsClosure() {
        let even = Condition.custom(name: "n even", fields: ["n"]) { context in
            if case .int(let n) = context.fields["n"] { return n % 2 == 0 }
            return false
        }
        #expect(even.holds(in: context(["n": .int(4)])))
        #expect(!even.holds(in: context(["n": .int(3)])))
        #expect(even.name == "n even")
        #expect(even.fields == ["n"])
    }

    @Test func conditionsNameThemselvesAndTheFieldsAndTransitionsTheyRead() {
        let condition = Condition.implies(
            .contains("v", ["a", "b"]), .compare("x", .notEqual, .field("y")))
        #expect(condition.name == "v has a or b ⇒ x ≠ y")
        #expect(condition.fields == ["v", "x", "y"])
        #expect(Condition.compare("n", .less, .value(.int(3))).name == "n < 3")
        #expect(Condition.compare("n", .less, .value(.int(3))).fields == ["n"])
        #expect(Condition.implies(.reasonGiven, .notActorOfLatest("submit")).transitions == ["submit"])
        #expect(Condition.increased("ends_on").name == "a new ends_on later than the current one")
        #expect(Condition.oneOf("c", ["x", "y"]).name == "c x or y")
    }
}
