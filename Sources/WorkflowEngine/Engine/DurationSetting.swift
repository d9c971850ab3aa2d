import Foundation

extension Duration {
    /// Reads a duration setting: `5`, `2.5` (seconds), `500ms`, `5s` or `2min`; at most a day. `name` says where it
    /// came from (an environment variable, a URL parameter) in the error.
    public static func setting(_ text: String, named name: String) throws(WorkflowError) -> Duration {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("min", 60), ("s", 1), ("", 1)]
        for (unit, scale) in units where trimmed.hasSuffix(unit) {
            let number = trimmed.dropLast(unit.count).trimmingCharacters(in: .whitespaces)
            guard let value = Double(number), value.isFinite, value >= 0, value * scale <= 86_400 else { break }
            return .milliseconds(Int64((value * scale * 1000).rounded()))
        }
        throw WorkflowError(.usage, "\(name) is not a duration; accepted: seconds (5, 2.5) or with a unit (500ms, 5s, 2min), from 0 to one day")
    }

    /// Whole milliseconds, as PostgreSQL's time settings take them.
    public var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }

    /// `5 s`, `0.5 s`: for messages.
    public var spoken: String {
        let milliseconds = self.milliseconds
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(Double(milliseconds) / 1000) s"
    }
}
