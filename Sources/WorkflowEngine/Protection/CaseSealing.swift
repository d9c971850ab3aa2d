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
    /// Keys unwrapped and values sealed or opened before, shared by every copy of this sealing.
    private let memo = SealingMemo()

    /// Seals and opens with `key`.
    public init(_ key: MasterKey) { master = .success(key) }

    /// No key is at hand: every use of one fails with `reason` (a read or write of data that needs none still works).
    public init(unavailable reason: WorkflowError) { master = .failure(reason) }

    /// Shown in place of a value whose case was erased.
    public static let erased = JSONValue.string("[erased]")
    static let prefix = "rso-sealed-1:"

    private func key() throws(WorkflowError) -> MasterKey { try master.get() }

    /// Why no master key is at hand (nil: one is), for a server's readiness check.
    public var missingKey: WorkflowError? {
        if case .failure(let reason) = master { return reason }
        return nil
    }

    // MARK: Case keys

    /// A new key for case `id`, and its wrapped form to store.
    func newCaseKey(for id: UUID, remembering: Bool) throws(WorkflowError) -> (key: SymmetricKey, wrapped: String) {
        let master = try key()
        let caseKey = RandomBytes.shared.key()
        let box = caseKey.withUnsafeBytes { bytes in
            try? AES.GCM.seal(bytes, using: master.wrapping, nonce: RandomBytes.shared.nonce(), authenticating: id.bytes)
        }
        guard let combined = box?.combined else { throw WorkflowError(.configuration, "the case key could not be wrapped") }
        let wrapped = "k1:\(master.id):\(combined.base64EncodedString())"
        if remembering { memo.remember(key: caseKey, caseID: id, wrapped: wrapped) }
        return (caseKey, wrapped)
    }

    /// The key of a case as stored: nil when it has none (erased, or nothing sealed yet).
    func caseKey(of record: CaseRecord) throws(WorkflowError) -> SymmetricKey? {
        try caseKey(wrapped: record.caseKey, caseID: record.id, reference: record.reference)
    }

    private func caseKey(wrapped: String?, caseID: UUID, reference: String) throws(WorkflowError) -> SymmetricKey? {
        guard let wrapped else { return nil }
        if let known = memo.key(caseID: caseID, wrapped: wrapped) { return known }
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
        let caseKey = SymmetricKey(data: bytes)
        memo.remember(key: caseKey, caseID: caseID, wrapped: wrapped)
        return caseKey
    }

    // MARK: Sealing what is stored

    /// A case and its event as a store keeps them: the case's personal values sealed under its key (made if it has
    /// none), and the event's under the same key, without a blind index. An event value the case holds too takes the
    /// case's ciphertext rather than a second sealing.
    ///
    /// `remembering`: whether this process keeps what it sealed for the case's next change (`SealingMemo`); an import
    /// does not, as it never changes its cases again.
    func sealed(
        _ record: CaseRecord, _ event: EventRecord, in definition: WorkflowDefinition, remembering: Bool
    ) throws(WorkflowError) -> (record: CaseRecord, event: EventRecord) {
        var sealedRecord = record
        // The key is unwrapped only when there is something to seal: a change without personal values needs no key.
        var caseKey: SymmetricKey?
        var keyLooked = false
        var forms: [String: SealingMemo.Sealed] = [:]
        for name in Self.personal(record.fields, in: definition) {
            if !keyLooked { (caseKey, keyLooked) = (try self.caseKey(of: record), true) }
            if caseKey == nil {
                let made = try newCaseKey(for: record.id, remembering: remembering)
                (caseKey, sealedRecord.caseKey) = (made.key, made.wrapped)
            }
            let form = try seal(record.fields[name]!, at: place(record.id, sealedRecord.caseKey!, name), with: caseKey!, remembering: remembering)
            forms[name] = form
            sealedRecord.fields[name] = .string(Self.prefix + form.blindIndex + ":" + form.ciphertext)
        }
        guard event.kind.setsFields else { return (sealedRecord, event) }
        var sealedEvent = event
        for name in Self.personal(event.fields, in: definition) {
            if !keyLooked { (caseKey, keyLooked) = (try self.caseKey(of: sealedRecord), true) }
            guard let wrapped = sealedRecord.caseKey, let caseKey else {
                throw WorkflowError(.configuration, "a personal value has no case key to be sealed with")
            }
            let value = event.fields[name]!
            let form: SealingMemo.Sealed
            if let recordForm = forms[name], record.fields[name] == value {
                form = recordForm
            } else {
                form = try seal(value, at: place(record.id, wrapped, name), with: caseKey, remembering: remembering)
            }
            sealedEvent.fields[name] = .string(Self.prefix + ":" + form.ciphertext)
        }
        return (sealedRecord, sealedEvent)
    }

    /// The personal values of `fields` that are to be sealed: set, not already sealed, not the erasure marker.
    private static func personal(_ fields: FieldValues, in definition: WorkflowDefinition) -> [String] {
        definition.personalFields.filter { name in
            guard let value = fields[name] else { return false }
            return value != .null && value != erased && sealedText(value) == nil
        }
    }

    private func place(_ caseID: UUID, _ wrappedKey: String, _ field: String) -> SealingMemo.Place {
        SealingMemo.Place(caseID: caseID, wrappedKey: wrappedKey, field: field)
    }

    /// `value` sealed at `place`: as sealed before when the case had it under the same key, else anew.
    private func seal(
        _ value: JSONValue, at place: SealingMemo.Place, with caseKey: SymmetricKey, remembering: Bool
    ) throws(WorkflowError) -> SealingMemo.Sealed {
        if remembering, let known = memo.sealed(value, at: place) { return known }
        guard let combined = try? AES.GCM.seal(
            BulkJSON.bytes(value), using: caseKey, nonce: RandomBytes.shared.nonce(),
            authenticating: Self.associated(place.field, place.caseID)).combined else {
            throw WorkflowError(.configuration, "a personal value could not be sealed")
        }
        let form = SealingMemo.Sealed(blindIndex: Self.blindIndex(place.field, value, try key()), ciphertext: combined.base64EncodedString())
        if remembering { memo.remember(value, sealedAs: form, at: place) }
        return form
    }

    /// What a sealed value is bound to: moved to another field or case, it no longer opens.
    private static func associated(_ field: String, _ caseID: UUID) -> [UInt8] {
        var bytes = withUnsafeBytes(of: caseID.uuid, Array.init)
        bytes += field.utf8
        return bytes
    }

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
        opened.fields = try open(record.fields, caseID: record.id, wrappedKey: record.caseKey, reference: record.reference)
        return opened
    }

    /// An exported case with its personal values opened.
    func opened(_ exported: ExportedCase) throws(WorkflowError) -> ExportedCase {
        guard exported.fields.values.contains(where: { Self.sealedText($0) != nil }) else { return exported }
        var opened = exported
        opened.fields = try open(exported.fields, caseID: exported.id, wrappedKey: exported.caseKey, reference: exported.reference)
        return opened
    }

    /// `record`'s events with their personal values opened under its key.
    func opened(_ events: [EventRecord], of record: CaseRecord) throws(WorkflowError) -> [EventRecord] {
        guard events.contains(where: { $0.fields.values.contains { Self.sealedText($0) != nil } }) else { return events }
        var opened = events
        for index in opened.indices where opened[index].kind.setsFields {
            opened[index].fields = try open(events[index].fields, caseID: record.id, wrappedKey: record.caseKey, reference: record.reference)
        }
        return opened
    }

    private func open(_ fields: FieldValues, caseID: UUID, wrappedKey: String?, reference: String) throws(WorkflowError) -> FieldValues {
        var opened = fields
        var caseKey: SymmetricKey?? = nil
        for (name, value) in fields {
            guard let text = Self.sealedText(value) else { continue }
            // The key is unwrapped once, and only for a case that has a sealed value; a deleted key means erased.
            if caseKey == nil { caseKey = .some(try self.caseKey(wrapped: wrappedKey, caseID: caseID, reference: reference)) }
            guard let wrappedKey, let key = caseKey! else { opened[name] = Self.erased; continue }
            let parts = text.dropFirst(Self.prefix.count).split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw WorkflowError.damagedRow(table: "cases", key: reference, column: "fields.\(name)") }
            let (blindIndex, ciphertext) = (String(parts[0]), String(parts[1]))
            let place = place(caseID, wrappedKey, name)
            if let known = memo.opened(ciphertext, at: place) { opened[name] = known; continue }
            guard let combined = Data(base64Encoded: ciphertext),
                  let box = try? AES.GCM.SealedBox(combined: combined),
                  let plain = try? AES.GCM.open(box, using: key, authenticating: Self.associated(name, caseID)),
                  let value = try? JSONValue(strict: String(decoding: plain, as: UTF8.self)) else {
                throw WorkflowError.damagedRow(table: "cases", key: reference, column: "fields.\(name)")
            }
            // A history event's form carries no blind index: it can answer an open, not a seal.
            if blindIndex.isEmpty { memo.remember(value, openedFrom: ciphertext, at: place) } else {
                memo.remember(value, sealedAs: SealingMemo.Sealed(blindIndex: blindIndex, ciphertext: ciphertext), at: place)
            }
            opened[name] = value
        }
        return opened
    }

    /// Forgets every key and value held in memory (after an erasure, so that no erased value outlives its key here).
    func forgetRemembered() { memo.forgetAll() }

    // MARK: Finding by a personal value

    /// What the stored value of personal field `field` begins with when it holds `value` (`case list --field`).
    func indexedPrefix(_ field: String, _ value: JSONValue) throws(WorkflowError) -> String {
        Self.prefix + Self.blindIndex(field, value, try key()) + ":"
    }

    private static func blindIndex(_ field: String, _ value: JSONValue, _ master: MasterKey) -> String {
        var text = Array(field.utf8)
        text.append(0)
        text += UniqueClaim.normalized(value).utf8
        var code = master.blindIndex
        code.update(data: text)
        return code.finalize().withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0.prefix(16)).hex }
    }
}

extension UUID {
    /// The sixteen bytes.
    var bytes: Data { withUnsafeBytes(of: uuid) { Data($0) } }
}
