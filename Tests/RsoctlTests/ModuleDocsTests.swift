import Foundation
import Testing

/// docs/modules.md describes every workflow the modules register; what the running code declares (`rsoctl workflow
/// list --format json`) is all named there, so the page cannot fall behind a module.
@Suite("docs/modules.md names everything each workflow declares")
struct ModuleDocsTests {
    static let page: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("docs/modules.md"), encoding: .utf8)) ?? ""
    }()

    /// The part of the page under `## \`ID\``, up to the next heading of that level.
    static func section(_ id: String) -> String? {
        let parts = page.components(separatedBy: "\n## ")
        return parts.first { $0.hasPrefix("`\(id)`") }
    }

    @Test("every state, transition (with its roles), field, timer and outcome of every workflow is on the page")
    func everyDeclarationIsDocumented() async throws {
        try await TestDatabase.with(.sqlite) { db in
            let listed = try await db.json(["workflow", "list", "--format", "json"])
            let workflows = try #require(listed["workflows"] as? [[String: Any]])
            #expect(workflows.count == 5, "the page covers five workflows; the code registers \(workflows.count)")
            for workflow in workflows {
                let id = try #require(workflow["id"] as? String)
                guard let text = Self.section(id) else {
                    Issue.record("docs/modules.md has no section \"## `\(id)`\"")
                    continue
                }
                let lines = text.split(separator: "\n").map(String.init)
                func row(_ name: String) -> String? { lines.first { $0.hasPrefix("| `\(name)` |") } }
                for state in workflow["states"] as? [[String: Any]] ?? [] {
                    let name = state["name"] as? String ?? "?"
                    #expect(text.contains("`\(name)`"), "\(id): state \(name) is not on the page")
                }
                for transition in workflow["transitions"] as? [[String: Any]] ?? [] {
                    let name = transition["name"] as? String ?? "?"
                    guard let line = row(name) else {
                        Issue.record("\(id): transition \(name) has no row")
                        continue
                    }
                    for role in transition["roles"] as? [String] ?? [] {
                        #expect(line.contains(role), "\(id): the row of \(name) does not name its role \(role)")
                    }
                    for from in transition["from"] as? [String] ?? [] {
                        #expect(line.contains(from), "\(id): the row of \(name) does not name its state \(from)")
                    }
                }
                for field in workflow["fields"] as? [[String: Any]] ?? [] {
                    let name = field["name"] as? String ?? "?"
                    let data = field["data"] as? String ?? "?"
                    #expect(row(name)?.contains(data) == true, "\(id): field \(name) has no row saying it is \(data)")
                }
                for timer in workflow["timers"] as? [[String: Any]] ?? [] {
                    let state = timer["state"] as? String ?? "?"
                    let deadline = timer["deadline"] as? String ?? "?"
                    #expect(lines.contains { $0.hasPrefix("| `\(state)` |") && $0.contains(deadline) },
                            "\(id): the timer in \(state) (\(deadline)) is not on the page")
                }
                for outcome in workflow["outcomes"] as? [String] ?? [] {
                    #expect(text.contains("`\(outcome)`"), "\(id): outcome \(outcome) is not on the page")
                }
            }
        }
    }
}
