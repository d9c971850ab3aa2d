import Crypto
import Foundation

/// Personal data at rest: each value of a `personal` field, in a case and in its history, is stored sealed
/// (AES-GCM) under the case's own key, and the case key is stored wrapped by the master key. Deleting a case's key
/// erases its personal data everywhere at once, the history included, without rewriting the append-only history
/// (crypto-shredding). Sensitive values stay in clear: metrics count by them and they identify no one alone.
///
/// The engine seals what it hands a store and opens what a store hands back, so neither store knows of it, and the
/// history chain links the sealed form: an erased case's history still verifies.
///
/// A sealed value is a JSON string: `rso-sealed-1:<blind index>:<base64 nonce, ciphertext and tag>`. The blind index
/// (a keyed HMAC of the normalised value, `UniqueClaim.normalized`) is kept in the case's current fields only, so that
/// `case list --field full_name=…` finds a case by an exact value; a history event's sealed value carries none, so
/// after an erasure nothing is left to test a guess against.
public struct CaseSealing: Sendable {
    private let master: Result<MasterKey, WorkflowError>

    /// Seals and opens with `key`.
    public init(_ key: MasterKey) { master = .success(key) }

    /// No key is at hand: every use of one fails with `reason` (a read or write of data that needs none still works).
    public init(unavailable reason: WorkflowError) { master = .failure(reason) }

    /// Shown in place of a value whose case was erased.
    public static let erased = JSONValue.string("[erased]")
    static let prefix = "rso-sealed-1:"

    private func key() throws(WorkflowError) -> MasterKey { try master.get() }

    // MARK: Case keys

    /// A new key for case `id`, and its wrapped form to store.
    func newCaseKey(for id: UUID) throws(WorkflowError) -> (key: SymmetricKey, wrapped: String) {
        let master = try key()
        let caseKey = SymmetricKey(size: .bits256)
        let box = caseKey.withUnsafeBytes { bytes in try? AES.GCM.seal(Data(bytes), using: master.wrapping, authenticating: id.bytes) }
        guard let combined = box?.combined else { throw WorkflowError(.configuration, "the case key could not be wrapped") }
        return (caseKey, "k1:\(master.id):\(combined.base64EncodedString())")
    }

    /// The key of a case as stored: nil when it has none (erased, or nothing sealed yet).
    func caseKey(of record: CaseRecord) throws(WorkflowError) -> SymmetricKey? {
        try caseKey(wrapped: record.caseKey, caseID: record.id, reference: record.reference)
    }

    private func caseKey(wrapped: String?, caseID: UUID, reference: String) throws(WorkflowError) -> SymmetricKey? {
        guard let wrapped else { return nil }
        let master = try key()
        let parts = wrapped.split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "k1", let combined = Data(base64Encoded: parts[2]) else {
            throw WorkflowError.damagedRow(table: "cases", key: reference, column: "case_key")
        }
        guard parts[1] == master.id else {
            throw WorkflowError(.configuration, "\(reference) was sealed with master key \(parts[1]), but the key given is \(master.id) (RSO_MASTER_KEY_FILE, else the .key file beside an SQLite database): use the key this database's cases were sealed with")
        }
        guard let box = try? AES.GCM.SealedBox(combined: combined),
              let bytes = try? AES.GCM.open(box, using: master.wrapping, authenticating: caseID.bytes) else {
            throw WorkflowError.damagedRow(table: "cases", key: reference, column: "case_key")
        }
        return SymmetricKey(data: bytes)
    }

    // MARK: Sealing what is stored

    /// `record` as a store keeps it: its personal values sealed under its key, a key made if it has none.
    func sealed(_ record: CaseRecord, in definition: WorkflowDefinition) throws(WorkflowError) -> (record: CaseRecord, key: SymmetricKey?) {
        let names = Self.personal(record.fields, in: definition)
        guard !names.isEmpty else { return (record, try caseKey(of: record)) }
        var sealed = record
        let caseKey: SymmetricKey
        if let existing = try self.caseKey(of: record) {
            caseKey = existing
        } else {
            let made = try newCaseKey(for: record.id)
            (caseKey, sealed.caseKey) = (made.key, made.wrapped)
        }
        let master = try key()
        for name in names {
            sealed.fields[name] = try Self.seal(record.fields[name]!, field: name, caseID: record.id, with: caseKey,
                                                 blindIndex: Self.blindIndex(name, record.fields[name]!, master))
        }
        return (sealed, caseKey)
    }

    /// An event as a store keeps it: the personal values it set sealed under its case's key, without a blind index.
    func sealed(_ event: EventRecord, in definition: WorkflowDefinition, key caseKey: SymmetricKey?) throws(WorkflowError) -> EventRecord {
        guard event.kind.setsFields else { return event }
        let names = Self.personal(event.fields, in: definition)
        guard !names.isEmpty else { return event }
        guard let caseKey else { throw WorkflowError(.configuration, "a personal value has no case key to be sealed with") }
        var sealed = event
        for name in names {
            sealed.fields[name] = try Self.seal(event.fields[name]!, field: name, caseID: event.caseID, with: caseKey, blindIndex: "")
        }
        return sealed
    }

    /// The personal values of `fields` that are to be sealed: set, not already sealed, not the erasure marker.
    private static func personal(_ fields: FieldValues, in definition: WorkflowDefinition) -> [String] {
        fields.compactMap { name, value in
            guard definition.field(name)?.dataClass == .personal, value != .null, value != erased, sealedText(value) == nil else { return nil }
            return name
        }
    }

    private static func seal(_ value: JSONValue, field: String, caseID: UUID, with key: SymmetricKey, blindIndex: String) throws(WorkflowError) -> JSONValue {
        guard let combined = try? AES.GCM.seal(JSONCoding.data(value), using: key, authenticating: associated(field, caseID)).combined else {
            throw WorkflowError(.configuration, "a personal value could not be sealed")
        }
        return .string(prefix + blindIndex + ":" + combined.base64EncodedString())
    }

    /// What a sealed value is bound to: moved to another field or case, it no longer opens.
    private static func associated(_ field: String, _ caseID: UUID) -> Data { caseID.bytes + Data(field.utf8) }

    /// The text of a sealed value, nil for any other value.
    private static func sealedText(_ value: JSONValue) -> String? {
        guard case .string(let text) = value, text.hasPrefix(prefix) else { return nil }
        return text
    }

    // MARK: Opening what was read

    /// `record` with its personal values opened; a value whose key was deleted reads as `erased`.
    func opened(_ record: CaseRecord) throws(WorkflowError) -> CaseRecord {
        guard record.fields.values.contains(where: { Self.sealedText($0) != nil }) else { return record }
        var opened = record
        opened.fields = try open(record.fields, caseID: record.id, key: try caseKey(of: record), reference: record.reference)
        return opened
    }

    /// An exported case with its personal values opened.
    func opened(_ exported: ExportedCase) throws(WorkflowError) -> ExportedCase {
        guard exported.fields.values.contains(where: { Self.sealedText($0) != nil }) else { return exported }
        var opened = exported
        let caseKey = try caseKey(wrapped: exported.caseKey, caseID: exported.id, reference: exported.reference)
        opened.fields = try open(exported.fields, caseID: exported.id, key: caseKey, reference: exported.reference)
        return opened
    }

    /// `record`'s events with their personal values opened under its key.
    func opened(_ events: [EventRecord], of record: CaseRecord) throws(WorkflowError) -> [EventRecord] {
        guard events.contains(where: { $0.fields.values.contains { Self.sealedText($0) != nil } }) else { return events }
        let caseKey = try caseKey(of: record)
        var opened = events
        for index in opened.indices where opened[index].kind.setsFields {
            opened[index].fields = try open(events[index].fields, caseID: record.id, key: caseKey, reference: record.reference)
        }
        return opened
    }

    private func open(_ fields: FieldValues, caseID: UUID, key caseKey: SymmetricKey?, reference: String) throws(WorkflowError) -> FieldValues {
        var opened = fields
        for (name, value) in fields {
            guard let text = Self.sealedText(value) else { continue }
            guard let caseKey else { opened[name] = Self.erased; continue }
            let parts = text.dropFirst(Self.prefix.count).split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let combined = Data(base64Encoded: String(parts[1])),
                  let box = try? AES.GCM.SealedBox(combined: combined),
                  let plain = try? AES.GCM.open(box, using: caseKey, authenticating: Self.associated(name, caseID)),
                  let value = try? JSONDecoder().decode(JSONValue.self, from: plain) else {
                throw WorkflowError.damagedRow(table: "cases", key: reference, column: "fields.\(name)")
            }
            opened[name] = value
        }
        return opened
    }

    // MARK: Finding by a personal value

    /// What the stored value of personal field `field` begins with when it holds `value` (`case list --field`).
    func indexedPrefix(_ field: String, _ value: JSONValue) throws(WorkflowError) -> String {
        Self.prefix + Self.blindIndex(field, value, try key()) + ":"
    }

    private static func blindIndex(_ field: String, _ value: JSONValue, _ master: MasterKey) -> String {
        let text = Data((field + "\u{0}" + UniqueClaim.normalized(value)).utf8)
        return HMAC<SHA256>.authenticationCode(for: text, using: master.blindIndex).prefix(16).hex
    }
}

extension UUID {
    /// The sixteen bytes.
    var bytes: Data { withUnsafeBytes(of: uuid) { Data($0) } }
}
