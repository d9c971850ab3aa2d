import ArgumentParser
import Foundation
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
            guard key.count <= 100 else {
                throw WorkflowError(.usage, "--field '\(InputText.quoted(key))…' names no field: field names are at most 100 characters")
            }
            guard values[key] == nil else {
                throw WorkflowError(.usage, "--field \(key) is given twice: give each field once")
            }
            values[key] = .string(String(pair[pair.index(after: equals)...]))
        }
        return values
    }

    /// `KEY=VALUE` pairs as a list, for filters; the engine parses each value by its field's type.
    func filters() throws -> [(String, JSONValue)] {
        try values().sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// Checks the command line as the kernel handed it over, before any parsing: Swift would already have turned bytes
/// that are not UTF-8 into U+FFFD, and a value out of range would be refused with a parser's message naming no range.
///
/// Refused with 65: bytes that are not UTF-8, control characters (tabs and line breaks pass, for `text` fields; each
/// field checks its own), an argument longer than `InputLimits.argument`, a `--reason` longer than
/// `InputLimits.reason`, a date or time outside `InputLimits.dateRange`. Refused with 64: a number option out of its
/// range.
enum RawArguments {
    /// Options whose value is a date or time.
    static let dateOptions: Set<String> = ["--at", "--as-of", "--from", "--to", "--now"]
    /// Options whose value is a whole number, with the values accepted.
    static let numberOptions: [String: ClosedRange<Int>] = ["--expect-version": 1...Int(Int32.max), "--limit": 1...1_000_000]

    static func check() throws(WorkflowError) {
        var previous: String?
        for index in 1..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer))
            guard let argument = String(validating: bytes, as: UTF8.self) else {
                throw WorkflowError(.invalidData, "\(place(index, previous)) is not valid UTF-8: give text in UTF-8")
            }
            try check(argument, at: index, after: previous)
            previous = argument
        }
    }

    static func check(_ argument: String, at index: Int, after previous: String?) throws(WorkflowError) {
        let named = place(index, previous)
        if argument.utf8.count > InputLimits.argument {
            throw WorkflowError(.invalidData, "\(named) is longer than \(InputLimits.argument) bytes: no value is that long")
        }
        if let why = InputText.problem(argument, lines: true, limit: InputLimits.argument) {
            throw WorkflowError(.invalidData, "\(named) \(why)")
        }
        // `--option=value` is checked like `--option value`.
        var option = previous, value = argument
        if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
            option = String(argument[..<equals])
            value = String(argument[argument.index(after: equals)...])
        }
        // Only field values and reasons may be long; a reference, name, path or option longer than this is a mistake,
        // and would fill a message.
        if option != "--field" && option != "--reason" && argument.count > 1_024 {
            throw WorkflowError(.invalidData, "\(named) is longer than 1024 characters: no reference, name, path or option is that long")
        }
        guard let option else { return }
        if option == "--reason" { try InputText.check(reason: value) }
        if dateOptions.contains(option), Date(unboundedISO8601: value) != nil, Date(iso8601: value) == nil {
            throw WorkflowError(.invalidData, "\(option) '\(InputText.quoted(value))' is outside the accepted dates and times, \(InputLimits.dateRange)")
        }
        if let range = numberOptions[option], value.range(of: #"^[+-]?[0-9]+$"#, options: .regularExpression) != nil,
           Int(value).map(range.contains) != true {
            throw WorkflowError(.usage, "\(option) '\(InputText.quoted(value))' is out of range: give a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
    }

    /// "the value of --field full_name", "argument 3": where a refused argument is, without its content.
    private static func place(_ index: Int, _ previous: String?) -> String {
        guard let previous, previous.hasPrefix("--"), !previous.contains("=") else { return "argument \(index)" }
        return "the value of \(previous)"
    }
}
