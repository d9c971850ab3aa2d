import Foundation

/// Why one field value was refused, and what would be accepted.
///
/// Never carries the value itself when the field holds personal or sensitive data.
public struct FieldProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(field): \(problem)" }
}

extension FieldDefinition {
    /// Parses a value typed on the command line or read from CSV.
    ///
    /// An empty string clears the field (returns `.null`). Lists are comma-separated.
    /// Text with control characters, or longer than the type allows (`InputLimits`), is refused.
    public func parse(_ text: String) -> Result<JSONValue, FieldProblem> {
        // Spaces and tabs around a value are trimmed, as they always were; inside it, a tab is a control character
        // except in `text` and `json`.
        let trimmed = text.trimmingSpaces
        if let why = textProblem(trimmed) { return .failure(problem(why)) }
        if trimmed.isEmpty { return .success(.null) }
        return parse(trimmed, as: type).flatMap(checked)
    }

    /// Checks a value that arrived already typed (JSON input, stored data).
    public func validate(_ value: JSONValue) -> Result<JSONValue, FieldProblem> {
        if value == .null { return .success(.null) }
        switch (type, value) {
        case (.json, .string(let text)):
            return parse(text)
        case (.int, .int(let number)):
            return parse(String(number), as: type).flatMap(checked)
        case (.bool, .bool), (.json, _):
            return checked(value)
        case (.decimal, .int(let number)):
            return parse(String(number), as: type).flatMap(checked)
        case (.decimal, .decimal(let number)):
            return parse(number.description, as: type).flatMap(checked)
        case (.list, .array(let items)):
            let text = items.map(\.plainText).joined(separator: ",")
            if let why = textProblem(text) { return .failure(problem(why)) }
            return parse(text, as: type).flatMap(checked)
        case (_, .string(let text)):
            return parse(text)
        default:
            return .failure(problem("must be \(expectation(of: type))"))
        }
    }

    private func parse(_ text: String, as type: FieldType) -> Result<JSONValue, FieldProblem> {
        switch type {
        case .string, .text:
            return .success(.string(text))
        case .int:
            // Parsed without overflow: a number too large for Int is nil, like any other non-number.
            let largest = InputLimits.largestInt
            guard let number = Int(text), (-largest...largest).contains(number) else {
                return .failure(problem(shown(text), "is not a whole number from -\(largest) to \(largest)"))
            }
            return .success(.int(number))
        case .decimal:
            guard isDecimalLiteral(text) else {
                return .failure(problem(shown(text), "is not a decimal number (e.g. 1500 or 1500.50)"))
            }
            // Every store keeps what it is given exactly only up to a point (PostgreSQL numeric in jsonb does, SQLite's
            // JSON functions read a double): more digits than Decimal holds would be rounded silently.
            guard Self.significantDigits(text) <= InputLimits.decimalDigits,
                  let number = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
                return .failure(problem(shown(text), "has more than \(InputLimits.decimalDigits) digits (not counting leading zeros, or trailing zeros after the point): it could not be stored exactly"))
            }
            return .success(.decimal(number))
        case .date:
            guard let day = SimpleDate(text) else {
                let why = SimpleDate.unbounded(text) == nil ? "is not a date: expected YYYY-MM-DD, e.g. 2013-06-24"
                    : "is outside the accepted dates, \(InputLimits.dateRange)"
                return .failure(problem(shown(text), why))
            }
            // Only `YYYY-MM-DD` parses: the text is already the date's one spelling.
            assert(day.description == text)
            return .success(.string(text))
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "1": return .success(.bool(true))
            case "false", "no", "0": return .success(.bool(false))
            default: return .failure(problem(shown(text), "is not a boolean: expected true or false"))
            }
        case .enumeration(let values):
            guard values.contains(text) else {
                return .failure(problem(shown(text), "is not one of: \(values.joined(separator: ", "))"))
            }
            return .success(.string(text))
        case .country:
            guard Countries.isValid(text) else {
                let hint = !dataClass.isProtected && Countries.isValid(text.uppercased()) ? " (did you mean \(text.uppercased())?)" : ""
                return .failure(problem(shown(text), "is not an ISO 3166-1 alpha-3 country code in upper case, e.g. THA, IDN, AFG\(hint)"))
            }
            return .success(.string(text))
        case .list(let element):
            var items: [JSONValue] = []
            for part in text.split(separator: ",") {
                let item = part.trimmingSpaces
                if item.isEmpty { continue }
                switch parse(item, as: element) {
                case .success(let value): if !items.contains(value) { items.append(value) }
                case .failure(let failure): return .failure(failure)
                }
            }
            return .success(.array(items))
        case .json:
            do {
                return .success(try JSONValue(strict: text))
            } catch {
                return .failure(problem("is not valid JSON: \(error.reason)"))
            }
        }
    }

    /// Bounds that apply whatever the input form.
    private func checked(_ value: JSONValue) -> Result<JSONValue, FieldProblem> {
        if let minimum, let number = value.decimalValue, number < minimum {
            return .failure(problem("must be ≥ \(minimum)"))
        }
        if type == .json {
            if let why = Self.stringProblem(in: value) { return .failure(problem("has a string that \(why)")) }
            if JSONCoding.data(value).count > InputLimits.json { return .failure(problem("is longer than \(InputLimits.json) characters as JSON")) }
        }
        return .success(value)
    }

    /// Control characters and length, before any parsing (`InputText`).
    private func textProblem(_ text: String) -> String? {
        switch type {
        case .text: return InputText.problem(text, lines: true, limit: InputLimits.longText)
        case .json: return InputText.problem(text, lines: true, limit: InputLimits.json)
        case .list: return InputText.problem(text, lines: false, limit: InputLimits.longText)
        default: return InputText.problem(text, lines: false, limit: InputLimits.shortText)
        }
    }

    /// The first string or key inside a JSON document that breaks the rules of text (e.g. an escaped NUL, `\u0000`).
    private static func stringProblem(in value: JSONValue) -> String? {
        switch value {
        case .string(let text): return InputText.problem(text, lines: true, limit: InputLimits.json)
        case .array(let items): return items.lazy.compactMap(stringProblem).first
        case .object(let members):
            for (key, member) in members {
                if let why = InputText.problem(key, lines: false, limit: InputLimits.shortText) ?? stringProblem(in: member) { return why }
            }
            return nil
        default: return nil
        }
    }

    /// Digits of a decimal literal that carry its value: without leading zeros, or trailing zeros after the point.
    static func significantDigits(_ literal: String) -> Int {
        let unsigned = literal.hasPrefix("-") ? literal.dropFirst() : Substring(literal)
        let parts = unsigned.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0].drop { $0 == "0" }
        let fraction = parts.count > 1 ? parts[1].reversed().drop(while: { $0 == "0" }).count : 0
        return whole.count + fraction
    }

    /// The offending input, unless the field is protected: personal data never goes into messages. Only its start is
    /// shown, with control characters escaped.
    private func shown(_ text: String) -> String {
        dataClass.isProtected ? "the value given" : "'\(InputText.quoted(text))'"
    }

    private func problem(_ subject: String, _ text: String) -> FieldProblem {
        FieldProblem(field: name, problem: "\(subject) \(text)")
    }

    private func problem(_ text: String) -> FieldProblem {
        FieldProblem(field: name, problem: text)
    }

    private func expectation(of type: FieldType) -> String {
        switch type {
        case .int: return "a whole number"
        case .decimal: return "a number"
        case .bool: return "true or false"
        case .list: return "a list"
        default: return "\(Article.a(type.name)) value"
        }
    }

    private func isDecimalLiteral(_ text: String) -> Bool {
        text.range(of: #"^-?[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil
    }
}

/// A calendar date (`YYYY-MM-DD`), compared as the spec writes dates.
public struct SimpleDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A date in the accepted years (`InputLimits.years`: 1900-01-01 to 2100-12-31).
    public init?(_ text: String) {
        guard let day = SimpleDate.unbounded(text), InputLimits.years.contains(day.year) else { return nil }
        self = day
    }

    /// Any well-formed date, to tell a date out of range from text that is no date at all.
    public static func unbounded(_ text: String) -> SimpleDate? {
        SimpleDate(anyYear: text)
    }

    /// Exactly `YYYY-MM-DD` in ASCII digits, read byte by byte (an import reads one per row and date field).
    private init?(anyYear text: String) {
        var text = text
        let read: (year: Int, month: Int, day: Int)? = text.withUTF8 { bytes in
            guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for index in range {
                    let digit = bytes[index] &- UInt8(ascii: "0")
                    guard digit < 10 else { return nil }
                    value = value * 10 + Int(digit)
                }
                return value
            }
            guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
            return (year, month, day)
        }
        guard let (year, month, day) = read, (1...12).contains(month), day >= 1, day <= SimpleDate.days(inMonth: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public var description: String {
        "\(year.zeroPadded(4))-\(month.zeroPadded(2))-\(day.zeroPadded(2))"
    }

    /// Midnight UTC at the start of this day.
    public var startOfDay: Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: year, month: month, day: day))!
    }

    /// Midnight UTC after this day: "as of the end of this day" excludes this instant.
    public var endOfDay: Date { startOfDay.addingTimeInterval(86_400) }

    public static func < (lhs: SimpleDate, rhs: SimpleDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    private static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
