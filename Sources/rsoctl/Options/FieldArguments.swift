import ArgumentParser
import WorkflowEngine

/// The one place `--field KEY=VALUE` is read. Values are parsed against the schema by the engine.
struct FieldArguments: ParsableArguments {
    @Option(name: .customLong("field"), help: "KEY=VALUE; repeat for several fields; lists are comma-separated; KEY= clears.")
    var pairs: [String] = []

    /// Field name to raw text, for the engine to validate.
    func values() throws -> FieldValues {
        var values: FieldValues = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw WorkflowError(.usage, "--field needs KEY=VALUE, e.g. --field host_country=THA; one was given without a KEY= part")
            }
            let key = String(pair[..<equals])
            guard values[key] == nil else {
                throw WorkflowError(.usage, "--field \(key) is given twice: give each field once")
            }
            values[key] = .string(String(pair[pair.index(after: equals)...]))
        }
        return values
    }

    /// `KEY=VALUE` pairs as a list, for filters.
    func filters() throws -> [(String, String)] {
        try values().sorted { $0.key < $1.key }.map { ($0.key, $0.value.plainText) }
    }
}
