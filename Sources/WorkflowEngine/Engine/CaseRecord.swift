import Foundation

/// A case as stored: where it stands now.
public struct CaseRecord: Sendable, Hashable {
    public var id: UUID
    /// The human reference, e.g. `AVRR-2026-000042`.
    public var reference: String
    public var workflow: String
    /// The definition version the case was opened under.
    public var definitionVersion: Int
    public var state: String
    /// The state before the current one, where `(previous)` transitions lead.
    public var previousState: String?
    public var stateEnteredAt: Date
    /// Optimistic lock: incremented by every change.
    public var version: Int
    public var fields: FieldValues
    /// Outcome totals recorded so far (counts only).
    public var outcomes: [String: Int]
    public var parentID: UUID?
    public var assignee: String?
    public var dueAt: Date?
    public var createdBy: String
    public var createdAt: Date
    public var updatedBy: String
    /// Time of the latest event: back-dated actions may not go before it.
    public var updatedAt: Date
    /// The link of the latest event (`HistoryChain`); nil for a case whose history predates the chain.
    public var chainHead: String?
    /// The case's own key for its personal data, wrapped by the master key (`CaseSealing`); nil for a case with no
    /// personal data sealed yet, or whose key was deleted to erase it.
    public var caseKey: String?

    public init(
        id: UUID, reference: String, workflow: String, definitionVersion: Int, state: String,
        previousState: String?, stateEnteredAt: Date, version: Int, fields: FieldValues, outcomes: [String: Int] = [:], parentID: UUID?,
        assignee: String?, dueAt: Date?, createdBy: String, createdAt: Date, updatedBy: String, updatedAt: Date,
        chainHead: String? = nil, caseKey: String? = nil
    ) {
        self.id = id
        self.reference = reference
        self.workflow = workflow
        self.definitionVersion = definitionVersion
        self.state = state
        self.previousState = previousState
        self.stateEnteredAt = stateEnteredAt
        self.version = version
        self.fields = fields
        self.outcomes = outcomes
        self.parentID = parentID
        self.assignee = assignee
        self.dueAt = dueAt
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
        self.chainHead = chainHead
        self.caseKey = caseKey
    }
}

/// What an event records.
public enum EventKind: String, Sendable, Codable {
    case opened
    case transition
    case fieldUpdate = "field_update"
    case outcome
    case note
    case assignment
    /// The case's personal data was erased: its payload sets each erased field to `CaseSealing.erased`.
    case erasure

    /// The kinds whose payload is the case fields they set (`null` clearing one); the others' payload is not
    /// case fields and never reaches `cases.fields`.
    public static let settingFields: [EventKind] = [.opened, .transition, .fieldUpdate, .erasure]

    public var setsFields: Bool { Self.settingFields.contains(self) }
}

/// One entry of a case's append-only history.
public struct EventRecord: Sendable, Hashable {
    public var seq: Int64
    public var caseID: UUID
    /// The case version this event produced.
    public var caseVersion: Int
    public var kind: EventKind
    public var transition: String?
    public var from: String?
    public var to: String?
    public var actor: String
    public var role: Role?
    public var reason: String?
    /// The fields this event set (`null` for a cleared field).
    public var fields: FieldValues
    public var at: Date
    public var idempotencyKey: String?
    public var requestHash: String?
    /// Its link in the case's chain (`HistoryChain`), set by the store as it writes the event; nil before that, and
    /// on events recorded before the chain existed.
    public var chain: String?

    public init(
        seq: Int64 = 0, caseID: UUID, caseVersion: Int, kind: EventKind, transition: String? = nil,
        from: String? = nil, to: String? = nil, actor: String, role: Role?, reason: String?,
        fields: FieldValues, at: Date, idempotencyKey: String?, requestHash: String?, chain: String? = nil
    ) {
        self.seq = seq
        self.caseID = caseID
        self.caseVersion = caseVersion
        self.kind = kind
        self.transition = transition
        self.from = from
        self.to = to
        self.actor = actor
        self.role = role
        self.reason = reason
        self.fields = fields
        self.at = at
        self.idempotencyKey = idempotencyKey
        self.requestHash = requestHash
        self.chain = chain
    }
}

/// A value a unique field holds, claimed so that no other case may hold it.
public struct UniqueClaim: Sendable, Hashable {
    public let workflow: String
    public let field: String
    /// Compared without regard to case or spacing: "JPA 3", "jpa 3 " and "JPA  3" are the same name.
    public let value: String

    public init(workflow: String, field: String, value: JSONValue) {
        self.workflow = workflow
        self.field = field
        self.value = Self.normalized(value)
    }

    /// A value as unique fields and the blind index compare it: its plain text, lowercased, spaces collapsed.
    public static func normalized(_ value: JSONValue) -> String {
        let text = value.plainText
        return normalizedASCII(text) ?? normalizedByCharacters(text)
    }

    static func normalizedByCharacters(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
    }

    /// The same as `normalizedByCharacters` for an ASCII text, byte by byte: every sealed value pays for its blind
    /// index, and splitting into characters took most of it. Nil for any other text.
    static func normalizedASCII(_ text: String) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var spaceBefore = false
        for byte in text.utf8 {
            guard byte < 0x80 else { return nil }
            // ASCII's Unicode White_Space: tab, line feed, vertical tab, form feed, carriage return, space.
            if byte == 0x20 || (0x09...0x0D).contains(byte) {
                spaceBefore = !out.isEmpty
                continue
            }
            if spaceBefore { out.append(0x20); spaceBefore = false }
            out.append((0x41...0x5A).contains(byte) ? byte + 0x20 : byte)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A case to insert with its `opened` event; the store assigns the reference number.
public struct NewCase: Sendable {
    public var record: CaseRecord
    public var event: EventRecord
    /// Unique values to claim with the case; a value another case holds makes the insert fail.
    public var claims: [UniqueClaim] = []
    public var referencePrefix: String
    public var referenceYear: Int
    /// The opened event's fields as JSON (`BulkJSON`), when written once already for its link (`asImported`).
    package var eventFieldsJSON: String?

    /// The opened event with its link, the first of the case's chain, and the case naming it as its head: what the
    /// store writes.
    public var linked: (record: CaseRecord, event: EventRecord) {
        var event = self.event, record = self.record
        event.chain = HistoryChain.link(event, after: nil)
        record.chainHead = event.chain
        return (record, event)
    }
}

/// A change to apply only if the case is still at `expectedVersion`, with its event.
public struct CaseChange: Sendable {
    /// The case as it will be after the change (version already incremented).
    public var record: CaseRecord
    public var expectedVersion: Int
    public var event: EventRecord
    /// Unique values to claim, and fields whose claims this case gives up (values changed, or the case closed).
    public var claims: [UniqueClaim] = []
    public var releases: [String] = []
    /// The acting user's roles the change was decided on (nil: no user to check, as for `system`). The store writes
    /// the change only if that user is still enabled and holds exactly these roles, else signals
    /// `StoreSignal.versionConflict`: a decision on a remembered user never outlives a disable or a change of roles.
    public var actorRoles: [Role]?

    /// Whether the case changes state (a self-loop, an update or an outcome does not).
    public var movesState: Bool { event.to != nil && event.to != event.from }

    /// The event linked after the case's head as it was read (the write is conditional on that version, so the head
    /// is the stored one), and the case naming the new link as its head: what the store writes.
    public var linked: (record: CaseRecord, event: EventRecord) {
        var event = self.event, record = self.record
        event.chain = HistoryChain.link(event, after: record.chainHead)
        record.chainHead = event.chain
        return (record, event)
    }
}

// Field values may be personal data: printing a record shows field names only, never values.
extension CaseRecord: CustomStringConvertible {
    public var description: String {
        "CaseRecord(\(reference), \(workflow), state: \(state), version: \(version), fields: \(fields.keys.sorted()))"
    }
}

extension EventRecord: CustomStringConvertible {
    public var description: String {
        "EventRecord(#\(seq), \(kind.rawValue) \(transition ?? ""), by \(actor), fields: \(fields.keys.sorted()))"
    }
}

extension WorkflowError {
    /// A stored row that does not read back as the engine wrote it (a value missing, of the wrong type, an unknown
    /// event kind or role). Reading never puts a plausible value in its place, and the message names the table, the
    /// row's key and the column but never the stored value (it may be personal data).
    public static func damagedRow(table: String, key: String, column: String) -> WorkflowError {
        WorkflowError(
            .unavailable,
            "stored data is damaged: \(column) of \(table) row \(key) is missing or not readable as the engine wrote it; "
                + "nothing was read or written: restore that row from a backup (rsoctl never guesses a stored value)")
    }
}
