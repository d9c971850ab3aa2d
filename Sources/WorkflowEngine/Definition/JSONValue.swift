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
