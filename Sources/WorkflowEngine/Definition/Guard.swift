/// How a compare guard relates two values.
public enum Comparison: String, Sendable {
    case equal = "="
    case notEqual = "≠"
    case greater = ">"
    case greaterOrEqual = "≥"
    case less = "<"
    case lessOrEqual = "≤"
}

/// The right-hand side of a compare guard.
public enum Operand: Sendable {
    case field(String)
    case value(JSONValue)

    var label: String {
        switch self {
        case .field(let name): return name
        case .value(let value): return value.plainText
        }
    }
}

/// What a guard sees: the fields as they would be after the change, and who asks.
public struct GuardContext: Sendable {
    /// Fields after the change is applied.
    public let fields: FieldValues
    /// Fields before the change.
    public let previousFields: FieldValues
    public let reason: String?
    public let actor: String
    /// Who performed the latest event of each transition, for four-eyes checks.
    public let latestActors: [String: String]
    /// Outcome totals recorded on the case so far.
    public let outcomes: [String: Int]
    /// The parent case's current state, for workflows opened under a parent.
    public let parentState: String?

    public init(fields: FieldValues, previousFields: FieldValues, reason: String?, actor: String,
                latestActors: [String: String], outcomes: [String: Int] = [:], parentState: String? = nil) {
        self.fields = fields
        self.previousFields = previousFields
        self.reason = reason
        self.actor = actor
        self.latestActors = latestActors
        self.outcomes = outcomes
        self.parentState = parentState
    }

    public func isSet(_ field: String) -> Bool { fields[field]?.isPresent ?? false }
}

extension JSONValue {
    /// Set to something: not null, not an empty string or list.
    public var isPresent: Bool {
        switch self {
        case .null: return false
        case .string(let text): return !text.isEmpty
        case .array(let items): return !items.isEmpty
        case .object(let members): return !members.isEmpty
        default: return true
        }
    }
}

/// A declarative condition on a transition. Each case names itself in refusals.
public indirect enum Condition: Sendable {
    /// The field has a value.
    case isSet(String)
    /// The field's value is one of these.
    case oneOf(String, [String])
    /// The list field contains at least one of these.
    case contains(String, [String])
    /// When both sides are set, the comparison holds (pair with `isSet` to require them).
    case compare(String, Comparison, Operand)
    /// The change sets the field to a value later than (greater than) the one it had.
    case increased(String)
    /// The call carries a non-empty reason.
    case reasonGiven
    /// Four eyes: the actor is not the one who made the latest event of this transition.
    case notActorOfLatest(String)
    /// When the first holds, the second must.
    case implies(Condition, Condition)
    /// The parent case is in one of these states (an operation launches only while its period is active).
    case parentIn([String])
    /// An outcome total compares to a number (`arrests > 0`).
    case outcome(String, Comparison, Int)
    /// A module's own check.
    case custom(name: String, fields: [String], check: @Sendable (GuardContext) -> Bool)

    /// The condition as a person reads it, e.g. `category asylum_seeker or refugee ⇒ unhcr_clearance = granted`.
    public var name: String {
        switch self {
        case .isSet(let field): return "\(field) set"
        case .oneOf(let field, let values) where values.count == 1: return "\(field) = \(values[0])"
        case .oneOf(let field, let values): return "\(field) \(values.joined(separator: " or "))"
        case .contains(let field, let values): return "\(field) has \(values.joined(separator: " or "))"
        case .compare(let field, let comparison, let operand): return "\(field) \(comparison.rawValue) \(operand.label)"
        case .increased(let field): return "a new \(field) later than the current one"
        case .reasonGiven: return "reason given"
        case .notActorOfLatest(let transition): return "not the user who made the latest \(transition) (four eyes)"
        case .implies(let premise, let conclusion): return "\(premise.name) ⇒ \(conclusion.name)"
        case .parentIn(let states): return "parent \(states.joined(separator: " or "))"
        case .outcome(let name, let comparison, let value): return "\(name) \(comparison.rawValue) \(value)"
        case .custom(let name, _, _): return name
        }
    }

    /// The condition as a refusal lists it: its name, and for a reason how to give one.
    public var unmetHint: String {
        if case .reasonGiven = self { return "reason given: pass --reason TEXT" }
        return name
    }

    /// Fields the condition reads, for validation at registration.
    public var fields: [String] {
        switch self {
        case .isSet(let field), .oneOf(let field, _), .contains(let field, _), .increased(let field): return [field]
        case .compare(let field, _, .field(let other)): return [field, other]
        case .compare(let field, _, .value): return [field]
        case .reasonGiven, .notActorOfLatest, .parentIn, .outcome: return []
        case .implies(let premise, let conclusion): return premise.fields + conclusion.fields
        case .custom(_, let fields, _): return fields
        }
    }

    /// Values the condition expects fields to hold (`category asylum_seeker or refugee`), for validation at
    /// registration: a value the field cannot hold would make the guard silently never (or always) hold.
    public var expectedValues: [(field: String, values: [String])] {
        switch self {
        case .oneOf(let field, let values), .contains(let field, let values): return [(field, values)]
        case .compare(let field, _, .value(let value)): return [(field, [value.plainText])]
        case .implies(let premise, let conclusion): return premise.expectedValues + conclusion.expectedValues
        default: return []
        }
    }

    /// States of the parent workflow the condition names, for validation at registration.
    public var parentStates: [String] {
        switch self {
        case .parentIn(let states): return states
        case .implies(let premise, let conclusion): return premise.parentStates + conclusion.parentStates
        default: return []
        }
    }

    /// Outcome counters the condition reads, for validation at registration.
    public var outcomes: [String] {
        switch self {
        case .outcome(let name, _, _): return [name]
        case .implies(let premise, let conclusion): return premise.outcomes + conclusion.outcomes
        default: return []
        }
    }

    /// Whether the condition reads the parent case.
    public var readsParent: Bool {
        switch self {
        case .parentIn: return true
        case .implies(let premise, let conclusion): return premise.readsParent || conclusion.readsParent
        default: return false
        }
    }

    /// Transitions the condition refers to, for validation at registration.
    public var transitions: [String] {
        switch self {
        case .notActorOfLatest(let transition): return [transition]
        case .implies(let premise, let conclusion): return premise.transitions + conclusion.transitions
        default: return []
        }
    }

    public func holds(in context: GuardContext) -> Bool {
        switch self {
        case .isSet(let field):
            return context.isSet(field)
        case .oneOf(let field, let values):
            // Compared as typed text, so bool and number fields work too (`fit_to_travel = true`).
            guard let value = context.fields[field], value.isPresent else { return false }
            return values.contains(value.plainText)
        case .contains(let field, let values):
            let items = context.fields[field]?.arrayValue?.map(\.plainText) ?? []
            return items.contains(where: values.contains)
        case .compare(let field, let comparison, let operand):
            guard let left = context.fields[field], left.isPresent else { return true }
            let right: JSONValue?
            switch operand {
            case .field(let other): right = context.fields[other]
            case .value(let value): right = value
            }
            guard let right, right.isPresent else { return true }
            return Condition.compare(left, comparison, right)
        case .increased(let field):
            guard let new = context.fields[field], new.isPresent else { return false }
            guard let old = context.previousFields[field], old.isPresent else { return true }
            return Condition.compare(new, .greater, old)
        case .reasonGiven:
            return !(context.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        case .notActorOfLatest(let transition):
            return context.latestActors[transition] != context.actor
        case .implies(let premise, let conclusion):
            return !premise.holds(in: context) || conclusion.holds(in: context)
        case .parentIn(let states):
            return context.parentState.map(states.contains) ?? false
        case .outcome(let name, let comparison, let value):
            return Condition.compare(.int(context.outcomes[name] ?? 0), comparison, .int(value))
        case .custom(_, _, let check):
            return check(context)
        }
    }

    /// Numbers compare as numbers; dates (`YYYY-MM-DD`) and other strings compare as text.
    static func compare(_ left: JSONValue, _ comparison: Comparison, _ right: JSONValue) -> Bool {
        let order: ComparisonResult
        if let l = left.decimalValue, let r = right.decimalValue {
            order = l < r ? .orderedAscending : (l > r ? .orderedDescending : .orderedSame)
        } else {
            let l = left.plainText, r = right.plainText
            order = l < r ? .orderedAscending : (l > r ? .orderedDescending : .orderedSame)
        }
        switch comparison {
        case .equal: return order == .orderedSame
        case .notEqual: return order != .orderedSame
        case .greater: return order == .orderedDescending
        case .greaterOrEqual: return order != .orderedAscending
        case .less: return order == .orderedAscending
        case .lessOrEqual: return order != .orderedDescending
        }
    }
}

import Foundation
