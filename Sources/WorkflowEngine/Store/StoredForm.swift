import Foundation

/// How a field value is compared and grouped in SQL: one rule for both stores, so that `case list --field` and a
/// `--by` key give the same answer on SQLite and PostgreSQL.
///
/// A case's fields are stored as one JSON object, written by `JSONCoding`. A filter value is first parsed by its
/// field's type (the engine does that: `true`, `yes` and `1` are the same bool), then compared with the field's stored
/// JSON in the canonical text below. A `--by` key is the field's stored JSON read back and written the way a person
/// types it on the command line: `true`, `1500.5`, `2026-01-02`, `medical,elderly`.
public enum StoredForm {
    /// The stored JSON text of a value, exactly as the stores write it inside a case's fields.
    public static func json(_ value: JSONValue) -> String { JSONCoding.string(value) }

    /// What one field filter asks of a case.
    public enum Match: Sendable, Hashable {
        /// The field is unset (absent, or JSON null): `--field KEY=`.
        case unset
        /// The field's stored JSON equals this text.
        case equals(String)
        /// The field is a list holding each of these items (their stored JSON texts).
        case holds([String])
    }

    /// The match for a filter value already parsed by its field's type (a list field's value is a list).
    public static func match(_ value: JSONValue) -> Match {
        switch value {
        case .null: return .unset
        case .array(let items): return .holds(items.map(json))
        default: return .equals(json(value))
        }
    }

    /// The `--by` key of a field whose stored JSON the store read back (`nil`: unset).
    public static func key(storedJSON text: String?) throws -> String? {
        guard let text else { return nil }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
            throw WorkflowError.damagedRow(table: "cases", key: "(grouped)", column: "fields")
        }
        return value == .null ? nil : value.plainText
    }
}
