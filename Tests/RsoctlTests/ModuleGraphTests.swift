import Foundation
import Testing

/// `workflow graph` for the JPA, secondment and CRVS workflows (output does not depend on the backend).
@Suite("rsoctl: graphs of the module workflows")
struct ModuleGraphTests {
    struct Workflow: Sendable, CustomTestStringConvertible {
        let id: String
        let states: [String]
        let transitions: [String]
        var testDescription: String { id }
    }

    static let workflows = [
        Workflow(id: "jpa.period", states: ["planned", "active", "concluded", "reported", "cancelled"],
                 transitions: ["start", "extend", "conclude", "report", "cancel"]),
        Workflow(id: "jpa.operation", states: ["planned", "active", "judicial", "concluded", "cancelled"],
                 transitions: ["launch", "refer_for_prosecution", "conclude", "cancel"]),
        Workflow(id: "secondment",
                 states: ["proposed", "nominated", "approved", "active", "concluded", "reported", "declined", "cancelled"],
                 transitions: ["nominate", "approve", "decline", "start", "extend", "conclude", "report", "cancel"]),
        Workflow(id: "crvs",
                 states: ["requested", "inception", "data_collection", "analysis", "validation", "endorsed", "published",
                          "follow_up", "completed", "withdrawn", "suspended"],
                 transitions: ["start_inception", "start_data_collection", "start_analysis", "submit_findings",
                               "request_revision", "endorse", "publish", "start_follow_up", "complete", "suspend",
                               "resume", "withdraw"]),
    ]

    @Test("workflow graph --format mermaid starts with stateDiagram-v2 and names every state and transition",
          arguments: workflows)
    func mermaid(workflow: Workflow) async throws {
        try await TestDatabase.with(.sqlite) { db in
            let result = try await db.succeed(["workflow", "graph", workflow.id, "--format", "mermaid"])
            #expect(result.stdout.hasPrefix("stateDiagram-v2"), "\(result.stdout.prefix(200))")
            let words = Self.words(result.stdout)
            for state in workflow.states {
                #expect(words.contains(state), "state \(state) missing from the mermaid graph of \(workflow.id)")
            }
            for transition in workflow.transitions {
                #expect(words.contains(transition), "transition \(transition) missing from the mermaid graph of \(workflow.id)")
            }
            #expect(result.stdout.contains("[*] --> \(workflow.states[0])"), "initial state marked: \(result.stdout)")
        }
    }

    @Test("workflow graph --format dot starts with digraph, names every state and closes its brace", arguments: workflows)
    func dot(workflow: Workflow) async throws {
        try await TestDatabase.with(.sqlite) { db in
            let result = try await db.succeed(["workflow", "graph", workflow.id, "--format", "dot"])
            #expect(result.stdout.hasPrefix("digraph"), "\(result.stdout.prefix(200))")
            #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("}"))
            let words = Self.words(result.stdout)
            for state in workflow.states {
                #expect(words.contains(state), "state \(state) missing from the dot graph of \(workflow.id)")
            }
            for transition in workflow.transitions {
                #expect(words.contains(transition), "transition \(transition) missing from the dot graph of \(workflow.id)")
            }
        }
    }

    @Test("the self-loops are drawn: jpa.period and secondment extend go from active to active")
    func selfLoops() async throws {
        try await TestDatabase.with(.sqlite) { db in
            for id in ["jpa.period", "secondment"] {
                let mermaid = try await db.succeed(["workflow", "graph", id, "--format", "mermaid"])
                #expect(mermaid.stdout.contains("active --> active : extend"), "\(id): \(mermaid.stdout)")
                let dot = try await db.succeed(["workflow", "graph", id, "--format", "dot"])
                #expect(dot.stdout.contains(#""active" -> "active""#), "\(id): \(dot.stdout)")
            }
        }
    }

    /// The identifiers (letters, digits, `_`) in `text`, so `active` is not found inside `inactive`.
    static func words(_ text: String) -> Set<String> {
        Set(text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init))
    }
}
