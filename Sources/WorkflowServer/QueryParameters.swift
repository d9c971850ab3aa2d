import Foundation
import Hummingbird
import WorkflowEngine

/// A request's query string, read as the command line's options are: a name the route does not take is refused
/// (400) rather than ignored, each value is printable text of at most 1,024 characters, and a date or number outside
/// what is accepted is refused naming what is. Values are never echoed whole (they may be personal data).
struct QueryParameters {
    private let pairs: [(name: String, value: String)]

    /// Longest value accepted: a reference, a state, a filter's value.
    static let longestValue = 1_024

    /// `form`: the query a web page's GET form sends, where `+` is a space (HTML's form encoding); an API client's
    /// `+` is a plus sign.
    init(_ request: Request, accepting names: [String], form: Bool = false) throws {
        if form {
            pairs = try WebForm.pairs(request.uri.query ?? "")
        } else {
            pairs = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        }
        for (name, value) in pairs {
            guard names.contains(name) else {
                throw WorkflowError(.usage, "the query parameter \(InputText.quoted(name)) is not taken here; parameters: \(names.isEmpty ? "none" : names.joined(separator: ", "))")
            }
            if let why = InputText.problem(value, lines: false, limit: Self.longestValue) {
                throw WorkflowError(.invalidData, "the query parameter \(name) \(why)")
            }
        }
    }

    /// Every value of a repeatable parameter, in order.
    func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// The one value of `name`, or nil; given twice is refused (which one was meant?).
    func text(_ name: String) throws -> String? {
        let values = all(name)
        guard values.count <= 1 else { throw WorkflowError(.usage, "the query parameter \(name) is given \(values.count) times: give it once") }
        return values.first
    }

    func required(_ name: String, example: String) throws -> String {
        guard let value = try text(name), !value.isEmpty else {
            throw WorkflowError(.usage, "the query parameter \(name) is required, e.g. \(name)=\(example)")
        }
        return value
    }

    /// A day, `YYYY-MM-DD` (UTC).
    func day(_ name: String) throws -> SimpleDate? {
        guard let text = try text(name) else { return nil }
        guard let day = SimpleDate(text) else {
            // A day of the calendar outside the accepted range is data out of range, as on the command line (65).
            if Date(unboundedISO8601: text) != nil {
                throw WorkflowError(.invalidData, "the query parameter \(name) '\(InputText.quoted(text))' is outside the accepted dates, \(InputLimits.dateRange)")
            }
            throw WorkflowError(.usage, "the query parameter \(name) '\(InputText.quoted(text))' is not a day: give YYYY-MM-DD, e.g. 2013-06-24")
        }
        return day
    }

    func requiredDay(_ name: String) throws -> SimpleDate {
        guard let day = try day(name) else { throw WorkflowError(.usage, "the query parameter \(name) is required: a day, YYYY-MM-DD") }
        return day
    }

    /// A whole number in `range`.
    func whole(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = try text(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw WorkflowError(.usage, "the query parameter \(name) '\(InputText.quoted(text))' is not accepted: give a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// `true` or `false`; absent is false.
    func flag(_ name: String) throws -> Bool {
        switch try text(name) {
        case nil, "false"?: return false
        case "true"?: return true
        case let other?: throw WorkflowError(.usage, "the query parameter \(name) '\(InputText.quoted(other))' is not accepted: give true or false")
        }
    }

    /// One of a fixed set of words (a format), or `fallback` when absent.
    func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, default fallback: Choice) throws -> Choice
    where Choice.RawValue == String {
        guard let text = try text(name) else { return fallback }
        guard let choice = Choice(rawValue: text) else {
            let accepted = Choice.allCases.map(\.rawValue)
            throw WorkflowError(.usage, "the query parameter \(name) '\(InputText.quoted(text))' is not accepted: give \(accepted.dropLast().joined(separator: ", ")) or \(accepted.last ?? "")")
        }
        return choice
    }

    /// `?purpose=`: why personal data is read, for the access log.
    var purpose: String? { get throws { try text("purpose") } }
}
