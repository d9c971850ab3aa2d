import Foundation

/// A field value as stored in a case: a JSON value with exact decimals.
///
/// Dates and country codes are strings; lists are arrays of strings.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case int(Int)
    case decimal(Decimal)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Decimal.self) {
            self = .decimal(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .decimal(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// A number as a `Decimal`, for comparisons between int and decimal fields.
    public var decimalValue: Decimal? {
        switch self {
        case .int(let value): return Decimal(value)
        case .decimal(let value): return value
        default: return nil
        }
    }

    /// The value as a person would type it on the command line (lists comma-separated).
    public var plainText: String {
        switch self {
        case .null: return ""
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .decimal(let value): return "\(value)"
        case .string(let value): return value
        case .array(let values): return values.map(\.plainText).joined(separator: ",")
        case .object: return JSONCoding.string(self)
        }
    }
}

/// A field set: field name to value. Absent means unset.
public typealias FieldValues = [String: JSONValue]

/// The one JSON encoder/decoder configuration used for stored fields and payloads.
public enum JSONCoding {
    /// A value's canonical text, written directly (`BulkJSON`) rather than through `JSONEncoder`, which took a tenth of
    /// a transition's time (the history chain and the stores' bindings encode every event's fields).
    public static func data(_ value: JSONValue) -> Data { Data(BulkJSON.bytes(value)) }
    /// The same text as bytes, for a writer that copies them anyway (a response body, a log line).
    public static func bytes(_ value: JSONValue) -> [UInt8] { BulkJSON.bytes(value) }
    public static func string(_ value: JSONValue) -> String { String(decoding: BulkJSON.bytes(value), as: UTF8.self) }
    public static func data(_ fields: FieldValues) -> Data { data(.object(fields)) }
    public static func string(_ fields: FieldValues) -> String { string(.object(fields)) }
    /// Counts by name (a case's outcomes), which every change writes.
    public static func string(_ counts: [String: Int]) -> String { string(.object(counts.mapValues(JSONValue.int))) }

    public static func data<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding our own value types cannot fail.
        return (try? encoder.encode(value)) ?? Data("null".utf8)
    }

    public static func string<T: Encodable>(_ value: T) -> String {
        String(decoding: data(value), as: UTF8.self)
    }

    public static func fields(from text: String) throws -> FieldValues {
        try JSONDecoder().decode(FieldValues.self, from: Data(text.utf8))
    }
}

/// Why a text is not JSON: what was found, and where (a character offset, 1-based).
public struct JSONSyntaxError: Error, Sendable, Hashable {
    public let reason: String
    /// The text is JSON, but holds what is not accepted: a number too large or too precise to hold exactly, a lone
    /// surrogate, nesting past `JSONValue.maximumDepth`. (Invalid data, 65/422, rather than a malformed request.)
    public let isBeyondLimits: Bool

    public init(reason: String, isBeyondLimits: Bool = false) {
        self.reason = reason
        self.isBeyondLimits = isBeyondLimits
    }
}

extension JSONValue {
    /// The deepest nesting accepted: deeper documents are refused rather than risk the stack.
    public static let maximumDepth = 64

    /// Parses JSON exactly as RFC 8259 writes it, nothing more: no trailing commas, comments, single quotes, NaN, or
    /// leading zeros (Foundation's decoder accepts some of these). Whole numbers that fit are `.int`, other numbers
    /// `.decimal`; object keys must be distinct.
    public init(strict text: String) throws(JSONSyntaxError) {
        var parser = StrictJSONParser(bytes: Array(text.utf8))
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw parser.failure("text after the end of the document") }
        self = value
    }
}

/// A recursive-descent RFC 8259 parser over UTF-8 bytes (the text came from a Swift string: it is valid UTF-8).
private struct StrictJSONParser {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func failure(_ what: String) -> JSONSyntaxError {
        JSONSyntaxError(reason: "\(what) at character \(index + 1)")
    }

    /// Valid JSON holding something not accepted (`JSONSyntaxError.isBeyondLimits`).
    func beyondLimits(_ what: String) -> JSONSyntaxError {
        JSONSyntaxError(reason: "\(what) at character \(index + 1)", isBeyondLimits: true)
    }

    mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth < JSONValue.maximumDepth else { throw beyondLimits("nesting deeper than \(JSONValue.maximumDepth) levels") }
        guard index < bytes.count else { throw failure("the document ends where a value was expected") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("an unexpected character")
        }
    }

    private mutating func literal(_ word: String) throws(JSONSyntaxError) {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw failure("an unexpected word (expected \(word))")
        }
        index += expected.count
    }

    private mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        index += 1
        var members: [String: JSONValue] = [:]
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("a member name was expected (a trailing comma?)") }
            let key = try string()
            guard members[key] == nil else { throw failure("the member name \"\(InputText.quoted(key))\" appears twice") }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("':' was expected") }
            index += 1
            skipSpace()
            members[key] = try value(depth: depth + 1)
            skipSpace()
            guard index < bytes.count else { throw failure("the object is never closed") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            } else {
                throw failure("',' or '}' was expected")
            }
        }
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        index += 1
        var items: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { throw failure("a value was expected (a trailing comma?)") }
            items.append(try value(depth: depth + 1))
            skipSpace()
            guard index < bytes.count else { throw failure("the array is never closed") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            } else {
                throw failure("',' or ']' was expected")
            }
        }
    }

    private mutating func string() throws(JSONSyntaxError) -> String {
        index += 1
        var out: [UInt8] = []
        while true {
            guard index < bytes.count else { throw failure("a string is never closed") }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case 0x00..<0x20:
                throw failure("a control character inside a string (write it escaped, e.g. \\n)")
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw failure("a string is never closed") }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {
                        guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw beyondLimits("a lone surrogate \\u escape")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw beyondLimits("a lone surrogate \\u escape") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(code) {
                        throw beyondLimits("a lone surrogate \\u escape")
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw failure("an invalid \\u escape") }
                    out += Array(String(Character(scalar)).utf8)
                default:
                    throw failure("an unknown escape \\\(Character(Unicode.Scalar(escaped)))")
                }
            default:
                out.append(byte)
            }
        }
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw failure("a \\u escape needs four hex digits") }
        var code: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure("a \\u escape needs four hex digits")
            }
            code = code << 4 | digit
            index += 1
        }
        return code
    }

    private mutating func number() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        func digits() -> Int {
            let first = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - first
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { throw failure("a number without digits") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { throw failure("a number with a leading zero") }
        } else {
            _ = digits()
        }
        var whole = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            whole = false
            guard digits() > 0 else { throw failure("a number without digits after its point") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            whole = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw failure("a number without digits in its exponent") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if whole, let number = Int(text) { return .int(number) }
        guard let number = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), !number.isNaN else {
            throw beyondLimits("a number that cannot be held exactly (too large, too small or too precise)")
        }
        return .decimal(number)
    }
}
