import WorkflowEngine

/// The diagram languages `rsoctl workflow graph` speaks.
public enum GraphFormat: String, CaseIterable, Sendable {
    case mermaid
    case dot
}

/// Draws a workflow definition as a Mermaid state diagram or a Graphviz DOT digraph.
///
/// Output follows definition order (states, then transitions and their from-states), so the
/// same definition always gives the same text. A transition to `(previous)` becomes one edge,
/// labelled `name (back)`, to every state with a transition into its from-state.
///
/// ```swift
/// print(WorkflowGraph.render(AVRR.workflow, as: .mermaid))
/// ```
public enum WorkflowGraph {
    /// The diagram as text, without a trailing newline.
    public static func render(_ definition: WorkflowDefinition, as format: GraphFormat) -> String {
        switch format {
        case .mermaid: return mermaid(definition)
        case .dot: return dot(definition)
        }
    }

    /// One drawn arrow: a transition leaving one state for one (resolved) target.
    struct Edge {
        let from: String
        let to: String
        let transition: TransitionDefinition
        /// The target stands for `(previous)`.
        let back: Bool

        var name: String { back ? "\(transition.name) (back)" : transition.name }
    }

    /// Every edge, in transition order then from-state order; `(previous)` resolved in state order.
    static func edges(_ definition: WorkflowDefinition) -> [Edge] {
        definition.transitions.flatMap { transition in
            transition.from.flatMap { from -> [Edge] in
                switch transition.to {
                case .state(let to):
                    return [Edge(from: from, to: to, transition: transition, back: false)]
                case .previous:
                    return enteringStates(from, in: definition).map {
                        Edge(from: from, to: $0, transition: transition, back: true)
                    }
                }
            }
        }
    }

    /// States with a transition into `state`: where a case may have come from.
    static func enteringStates(_ state: String, in definition: WorkflowDefinition) -> [String] {
        definition.states.map(\.name).filter { candidate in
            definition.transitions(from: candidate).contains { $0.to == .state(state) }
        }
    }

    // MARK: Mermaid

    private static func mermaid(_ definition: WorkflowDefinition) -> String {
        let ids = MermaidIDs(definition.states.map(\.name))
        var lines = ["stateDiagram-v2"]
        lines += ids.declarations.map { "    \($0)" }
        for state in definition.states where state.kind == .initial {
            lines.append("    [*] --> \(ids[state.name])")
        }
        for edge in edges(definition) {
            lines.append("    \(ids[edge.from]) --> \(ids[edge.to]) : \(mermaidLabel(edge.name))")
        }
        for state in definition.states where state.kind == .terminal {
            lines.append("    \(ids[state.name]) --> [*]")
        }
        return lines.joined(separator: "\n")
    }

    /// Mermaid ids: a state name when it is a plain identifier and no keyword, else an alias
    /// declared as `state "name" as s3`.
    private struct MermaidIDs {
        private var ids: [String: String] = [:]
        private(set) var declarations: [String] = []
        /// Words Mermaid's state-diagram lexer may take for syntax (it is case-insensitive, and
        /// reads `default` even as the start of a longer word).
        private static let keywords: Set<String> = [
            "state", "note", "direction", "class", "classdef", "style", "end", "as", "acctitle", "accdescr", "scale",
        ]

        init(_ names: [String]) {
            let taken = Set(names)
            for (index, name) in names.enumerated() where ids[name] == nil {
                if Self.isPlain(name) {
                    ids[name] = name
                    continue
                }
                var alias = "s\(index)"
                while taken.contains(alias) { alias = "_" + alias }
                ids[name] = alias
                let label = name.replacingAll([("\"", "#quot;"), ("\r\n", " "), ("\n", " "), ("\r", " ")])
                declarations.append("state \"\(label)\" as \(alias)")
            }
        }

        /// The id for a state; an undeclared name (an invalid definition) is used as it is.
        subscript(name: String) -> String { ids[name] ?? name }

        private static func isPlain(_ name: String) -> Bool {
            let lowered = name.lowercased()
            guard let first = name.unicodeScalars.first, !keywords.contains(lowered), !lowered.hasPrefix("default")
            else { return false }
            let isLetter = { (c: Unicode.Scalar) in (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" }
            return isLetter(first) && name.unicodeScalars.allSatisfy { isLetter($0) || ($0 >= "0" && $0 <= "9") }
        }
    }

    /// A transition label may hold neither `:` nor `;` nor a line break: the first two are written
    /// as Mermaid entity codes (decoded when drawn), as is `#`, which starts them.
    private static func mermaidLabel(_ text: String) -> String {
        text.replacingAll([("#", "#35;"), (":", "#58;"), (";", "#59;"), ("\r\n", " "), ("\n", " "), ("\r", " ")])
    }

    // MARK: DOT

    private static func dot(_ definition: WorkflowDefinition) -> String {
        let names = Set(definition.states.map(\.name))
        var start = "__start"
        while names.contains(start) { start = "_" + start }

        var lines = [
            "digraph \(quoted(definition.id)) {",
            "    rankdir=LR;",
            "    label=\(quoted("\(definition.title) (\(definition.id) v\(definition.version))"));",
            "    labelloc=t;",
            "    node [shape=box, style=rounded];",
            "    \(quoted(start)) [shape=point, width=0.15, label=\"\"];",
        ]
        for state in definition.states {
            switch state.kind {
            case .initial: lines.append("    \(quoted(state.name)) [style=\"rounded,bold\"];")
            case .intermediate: lines.append("    \(quoted(state.name));")
            case .terminal: lines.append("    \(quoted(state.name)) [shape=doublecircle];")
            }
        }
        for state in definition.states where state.kind == .initial {
            lines.append("    \(quoted(start)) -> \(quoted(state.name));")
        }
        for edge in edges(definition) {
            let deadlines = definition.timers(in: edge.from).filter { $0.action == .fire(edge.transition.name) }
                .map { deadlineText($0.deadline) }
            let roles = edge.transition.roles.map(\.rawValue).joined(separator: ", ")
            var label = roles.isEmpty ? edge.name : "\(edge.name) [\(roles)]"
            if !deadlines.isEmpty { label = "\(deadlines.joined(separator: " or ")): \(label)" }
            let guards = edge.transition.guards.map { "if \($0.name)" }
            var attributes = ["label=\(quoted(([label] + guards).joined(separator: "\n")))"]
            if !deadlines.isEmpty { attributes.append("style=dashed") }
            lines.append("    \(quoted(edge.from)) -> \(quoted(edge.to)) [\(attributes.joined(separator: ", "))];")
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    private static func deadlineText(_ deadline: TimerDefinition.Deadline) -> String {
        switch deadline {
        case .daysInState(let days): return "after \(days) \(days == 1 ? "day" : "days")"
        case .onField(let field, let days): return "at \(field) + \(days) \(days == 1 ? "day" : "days")"
        }
    }

    /// A DOT double-quoted string: `\` and `"` escaped, line breaks as DOT's `\n`.
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingAll([("\\", "\\\\"), ("\"", "\\\""), ("\r\n", "\\n"), ("\n", "\\n"), ("\r", "\\n")]) + "\""
    }
}

extension String {
    /// Replaces in one pass, left to right (a replacement is never replaced again); the first
    /// matching target wins. Compares Characters, so list "\r\n" before "\r" and "\n".
    fileprivate func replacingAll(_ replacements: [(String, String)]) -> String {
        var result = ""
        var rest = Substring(self)
        outer: while !rest.isEmpty {
            for (target, replacement) in replacements where rest.hasPrefix(target) {
                result += replacement
                rest = rest.dropFirst(target.count)
                continue outer
            }
            result.append(rest.removeFirst())
        }
        return result
    }
}
