import Foundation
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine
import WorkflowTestSupport

/// `case list --field` and `metrics stages --by` give the same answer on both backends for every field type: a filter
/// value is parsed by its field's type and compared with the stored JSON (`StoredForm`), and a `--by` key is the
/// stored value written as a person types it.
@Suite("Field filters and --by keys, one rule on both backends")
struct FieldFilterConformanceTests {
    static let now = Date(timeIntervalSince1970: 1_782_000_000)  // 2026-06-21T00:00:00Z

    /// One field of each type a filter may name.
    struct KindsModule: WorkflowModule {
        let name = "test"
        var workflows: [WorkflowDefinition] {
            [WorkflowDefinition(
                id: "test.kinds", referencePrefix: "TK", title: "Every field type",
                states: [.initial("open"), .terminal("closed")],
                transitions: [TransitionDefinition("close", from: ["open"], to: .state("closed"), roles: [.caseworker])],
                fields: [
                    FieldDefinition("flag", .bool), FieldDefinition("count", .int), FieldDefinition("amount", .decimal),
                    FieldDefinition("on", .date), FieldDefinition("kind", .enumeration(["alpha", "beta"])),
                    FieldDefinition("tags", .list(.enumeration(["red", "blue", "green"]))),
                ])]
        }
    }

    /// Three cases: `a` and `b` with every field set (as typed on the command line), `c` with none.
    static func withCases<T: Sendable>(
        _ backend: Backend, _ body: @Sendable (Engine, _ a: String, _ b: String, _ c: String) async throws -> T
    ) async throws -> T {
        try await backend.withFreshStore { (store, _) async throws in
            let engine = Engine(registry: try WorkflowRegistry(modules: [KindsModule()]), store: store, sealing: .testing, clock: FixedClock(now))
            _ = try await engine.addUser("root", roles: [.admin], as: nil)
            _ = try await engine.addUser("amina", roles: [.caseworker], as: "root")
            let a = try await engine.open("test.kinds", fields: [
                "flag": .string("true"), "count": .string("3"), "amount": .string("1500.50"), "on": .string("2026-01-02"),
                "kind": .string("alpha"), "tags": .string("red,blue"),
            ], as: "amina")
            let b = try await engine.open("test.kinds", fields: [
                "flag": .string("no"), "count": .string("12"), "amount": .string("20"), "on": .string("2026-03-04"),
                "kind": .string("beta"), "tags": .string("blue"),
            ], as: "amina")
            let c = try await engine.open("test.kinds", fields: [:], as: "amina")
            return try await body(engine, a.reference, b.reference, c.reference)
        }
    }

    static func list(_ engine: Engine, _ field: String, _ value: String, workflow: String? = "test.kinds") async throws -> [String] {
        try await engine.list(CaseQuery(workflow: workflow, fieldEquals: [(field, .string(value))]), as: "amina").map(\.reference)
    }

    @Test(arguments: Backend.allCases)
    func caseListFieldMatchesByTheFieldsType(_ backend: Backend) async throws {
        try await Self.withCases(backend) { engine, a, b, c in
            let expected: [(field: String, value: String, matches: [String])] = [
                ("flag", "true", [a]), ("flag", "yes", [a]), ("flag", "1", [a]), ("flag", "false", [b]), ("flag", "", [c]),
                ("count", "3", [a]), ("count", "12", [b]), ("count", "4", []),
                ("amount", "1500.5", [a]), ("amount", "1500.50", [a]), ("amount", "20", [b]), ("amount", "20.00", [b]),
                ("on", "2026-01-02", [a]), ("on", "2026-03-04", [b]),
                ("kind", "alpha", [a]), ("kind", "beta", [b]), ("kind", "", [c]),
                ("tags", "blue", [a, b]), ("tags", "red", [a]), ("tags", "blue,red", [a]), ("tags", "green", []), ("tags", "", [c]),
            ]
            for (field, value, matches) in expected {
                let found = try await Self.list(engine, field, value)
                #expect(found == matches, "--field \(field)=\(value)")
            }
            // Without --workflow, the field's type comes from the one workflow that has it.
            let anyWorkflow = try await Self.list(engine, "flag", "true", workflow: nil)
            #expect(anyWorkflow == [a])
        }
    }

    @Test(arguments: Backend.allCases)
    func aFilterValueTheFieldsTypeRefusesIs65(_ backend: Backend) async throws {
        try await Self.withCases(backend) { engine, _, _, _ in
            await #expect(throws: WorkflowError(.invalidData, "--field flag: 'maybe' is not a boolean: expected true or false")) {
                _ = try await Self.list(engine, "flag", "maybe")
            }
            await #expect(throws: WorkflowError(.invalidData, "--field count: '3.5' is not a whole number from -999999999999999 to 999999999999999")) {
                _ = try await Self.list(engine, "count", "3.5")
            }
            await #expect(throws: WorkflowError(.invalidData, "--field tags: 'purple' is not one of: red, blue, green")) {
                _ = try await Self.list(engine, "tags", "purple")
            }
            await #expect(throws: WorkflowError(.invalidData, "no workflow has a field colour: give --workflow W and one of its fields (rsoctl workflow show W lists them)")) {
                _ = try await Self.list(engine, "colour", "red", workflow: nil)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func metricsStagesByKeysAreTheValuesAsTyped(_ backend: Backend) async throws {
        try await Self.withCases(backend) { engine, _, _, _ in
            let expected: [String: [String: Int]] = [
                "flag": ["true": 1, "false": 1, "(unset)": 1],
                "count": ["3": 1, "12": 1, "(unset)": 1],
                "amount": ["1500.5": 1, "20": 1, "(unset)": 1],
                "on": ["2026-01-02": 1, "2026-03-04": 1, "(unset)": 1],
                "kind": ["alpha": 1, "beta": 1, "(unset)": 1],
                "tags": ["red,blue": 1, "blue": 1, "(unset)": 1],
            ]
            for (field, keys) in expected {
                let now = try await engine.stageCounts("test.kinds", by: field, as: "amina")
                #expect(now.stages.first { $0.state == "open" }?.by == keys, "--by \(field)")
                let asOf = try await engine.stageCounts("test.kinds", asOf: SimpleDate("2026-06-21"), by: field, as: "amina")
                #expect(asOf.stages.first { $0.state == "open" }?.by == keys, "--as-of --by \(field)")
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func metricsFlowByKeysAreTheSame(_ backend: Backend) async throws {
        try await Self.withCases(backend) { engine, a, b, c in
            for reference in [a, b, c] { _ = try await engine.advance(.reference(reference), "close", as: "amina") }
            let day = try #require(SimpleDate("2026-06-21"))
            let expected: [String: [String: Int]] = [
                "flag": ["true": 1, "false": 1, "(unset)": 1],
                "amount": ["1500.5": 1, "20": 1, "(unset)": 1],
                "tags": ["red,blue": 1, "blue": 1, "(unset)": 1],
            ]
            for (field, keys) in expected {
                let flow = try await engine.flow("test.kinds", into: "closed", from: day, to: day, by: field, as: "amina")
                #expect(flow.by == keys, "--by \(field)")
            }
        }
    }
}
