/// How a field's content must be protected.
public enum DataClass: String, Sendable, Codable, CaseIterable {
    /// Neither personal nor sensitive.
    case ordinary
    /// Personal data (names, dates of birth, document numbers): never logged.
    case personal
    /// Sensitive personal data (protection status, health, vulnerability): never logged.
    case sensitive

    /// Whether values of this class may be echoed in logs or error messages.
    public var isProtected: Bool { self != .ordinary }
}

/// The type of a case field.
public indirect enum FieldType: Sendable, Hashable {
    case string
    case text
    case int
    case decimal
    case date
    case bool
    case enumeration([String])
    case country
    case list(FieldType)
    /// A JSON document checked by its module.
    case json

    /// The type as the spec writes it, e.g. `enum(female, male)` or `list(country)`.
    public var name: String {
        switch self {
        case .string: return "string"
        case .text: return "text"
        case .int: return "int"
        case .decimal: return "decimal"
        case .date: return "date"
        case .bool: return "bool"
        case .enumeration(let values): return "enum(\(values.joined(separator: ", ")))"
        case .country: return "country"
        case .list(let element): return "list(\(element.name))"
        case .json: return "json"
        }
    }
}

extension FieldType {
    /// Every value a field of this type can hold, where they can be listed: enum values (also a list's items) and
    /// booleans; `nil` for the rest.
    public var listedValues: [String]? {
        switch self {
        case .enumeration(let values): return values
        case .list(let element): return element.listedValues
        case .bool: return ["true", "false"]
        default: return nil
        }
    }
}

/// Which cases of a workflow may not share a value of a field.
public enum Uniqueness: String, Sendable {
    /// No two cases, ever (e.g. JPA period names).
    case always
    /// No two cases that are not in a terminal state (e.g. one open CRVS assessment per country).
    case whileOpen = "while open"
}

/// A field of a workflow's schema.
public struct FieldDefinition: Sendable {
    public let name: String
    public let type: FieldType
    public let dataClass: DataClass
    public let requiredAtOpen: Bool
    public let unique: Uniqueness?
    /// A lower bound for int and decimal fields.
    public let minimum: Decimal?
    /// The module's own check for `json` fields; returns the problems found.
    public let check: (@Sendable (JSONValue, FieldValues) -> [String])?
    public let summary: String
    /// States in which `case update` may change the field; `nil`: every state that is not terminal.
    ///
    /// A field a transition's guard checks changes only up to that transition: after it, the value is what was
    /// checked and approved, and a change goes through the workflow (a transition that sends the case back).
    public let updatableIn: [String]?
    /// Roles that may change the field with `case update`; `nil`: the roles of the transitions leaving the case's
    /// current state (whoever works the case there).
    public let updatableBy: [Role]?

    public init(
        _ name: String,
        _ type: FieldType,
        _ dataClass: DataClass = .ordinary,
        requiredAtOpen: Bool = false,
        unique: Uniqueness? = nil,
        minimum: Decimal? = nil,
        updatableIn: [String]? = nil,
        updatableBy: [Role]? = nil,
        summary: String = "",
        check: (@Sendable (JSONValue, FieldValues) -> [String])? = nil
    ) {
        self.name = name
        self.type = type
        self.dataClass = dataClass
        self.requiredAtOpen = requiredAtOpen
        self.unique = unique
        self.minimum = minimum
        self.check = check
        self.summary = summary
        self.updatableIn = updatableIn
        self.updatableBy = updatableBy
    }
}

import Foundation
