import Foundation
import WorkflowEngine

/// The `case show` JSON shape; `case open`, `advance` and `update` print it too.
struct CaseView: Encodable {
    let id: String
    let reference: String
    let workflow: String
    let definitionVersion: Int
    let state: String
    let previousState: String?
    let stateEnteredAt: String
    let version: Int
    let fields: FieldValues
    let outcomes: [String: Int]
    let parentId: String?
    /// The parent's reference (`JPAP-2013-000001`): what a person knows it by; `parentId` stays for scripts.
    let parentReference: String?
    let assignee: String?
    let dueAt: String?
    let overdue: Bool
    /// How far past `dueAt` the case is: `lateBy` for people ("3d 4h"), `lateBySeconds` for scripts; null when not overdue.
    let lateBy: String?
    let lateBySeconds: Int?
    let allowedTransitions: [String]
    let createdBy: String
    let createdAt: String
    let updatedBy: String
    let updatedAt: String

    init(_ record: CaseRecord, parentReference: String? = nil, now: Date = Date()) {
        self.parentReference = parentReference
        id = record.id.lowercasedString
        reference = record.reference
        workflow = record.workflow
        definitionVersion = record.definitionVersion
        state = record.state
        previousState = record.previousState
        stateEnteredAt = record.stateEnteredAt.iso8601
        version = record.version
        fields = record.fields
        outcomes = record.outcomes
        parentId = record.parentID?.lowercasedString
        assignee = record.assignee
        dueAt = record.dueAt?.iso8601
        overdue = record.dueAt.map { $0 < now } ?? false
        lateBySeconds = record.lateness(at: now).map { Int($0) }
        lateBy = lateBySeconds.map(Lateness.text)
        allowedTransitions = (try? BuiltInModules.registry.workflow(record.workflow))?
            .transitions(from: record.state).map(\.name) ?? []
        createdBy = record.createdBy
        createdAt = record.createdAt.iso8601
        updatedBy = record.updatedBy
        updatedAt = record.updatedAt.iso8601
    }

    // Scripts read every key: empty ones are null, never left out.
    func encode(to encoder: any Encoder) throws {
        enum Keys: String, CodingKey {
            case id, reference, workflow, definitionVersion, state, previousState, stateEnteredAt, version, fields, outcomes
            case parentId, parentReference, assignee, dueAt, overdue, lateBy, lateBySeconds, allowedTransitions, createdBy, createdAt, updatedBy, updatedAt
        }
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id)
        try c.encode(reference, forKey: .reference)
        try c.encode(workflow, forKey: .workflow)
        try c.encode(definitionVersion, forKey: .definitionVersion)
        try c.encode(state, forKey: .state)
        try c.encode(previousState, forKey: .previousState)
        try c.encode(stateEnteredAt, forKey: .stateEnteredAt)
        try c.encode(version, forKey: .version)
        try c.encode(fields, forKey: .fields)
        try c.encode(outcomes, forKey: .outcomes)
        try c.encode(parentId, forKey: .parentId)
        try c.encode(parentReference, forKey: .parentReference)
        try c.encode(assignee, forKey: .assignee)
        try c.encode(dueAt, forKey: .dueAt)
        try c.encode(overdue, forKey: .overdue)
        try c.encode(lateBy, forKey: .lateBy)
        try c.encode(lateBySeconds, forKey: .lateBySeconds)
        try c.encode(allowedTransitions, forKey: .allowedTransitions)
        try c.encode(createdBy, forKey: .createdBy)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedBy, forKey: .updatedBy)
        try c.encode(updatedAt, forKey: .updatedAt)
    }

    /// A case with its parent's reference looked up (a case stores only the parent's id).
    static func of(_ record: CaseRecord, in engine: Engine, now: Date = Date()) async throws -> CaseView {
        var parentReference: String?
        if let parentID = record.parentID { parentReference = try await engine.find(.id(parentID)).reference }
        return CaseView(record, parentReference: parentReference, now: now)
    }

    /// Prints a case in the chosen format: what every case command answers with.
    func print(as format: OutputFormat) {
        Output.print(format, json: self, table: table)
    }

    /// One row per attribute, then one per field.
    var table: Table {
        var rows: [[String]] = [
            ["reference", reference], ["id", id], ["workflow", workflow], ["state", state],
            ["version", String(version)], ["allowed transitions", allowedTransitions.joined(separator: ", ")],
            ["due", dueAt.map { overdue ? "\($0) (overdue)" : $0 } ?? ""],
            ["created", "\(createdAt) by \(createdBy)"], ["updated", "\(updatedAt) by \(updatedBy)"],
        ]
        if let parentId { rows.append(["parent", parentReference ?? parentId]) }
        rows += fields.sorted { $0.key < $1.key }.map { ["field \($0.key)", $0.value.plainText] }
        rows += outcomes.sorted { $0.key < $1.key }.map { ["outcome \($0.key)", String($0.value)] }
        return Table(columns: ["attribute", "value"], rows: rows)
    }

    /// One line per case, for `case list`.
    var listRow: [String] {
        [reference, workflow, state, String(version), updatedAt, dueAt.map { overdue ? "\($0) (overdue)" : $0 } ?? "", lateBy ?? ""]
    }

    static let listColumns = ["reference", "workflow", "state", "version", "updated", "due", "late by"]
}

/// How late a case is, for people: whole days and hours, rounded down ("3d 4h", "0d 5h").
enum Lateness {
    static func text(_ seconds: Int) -> String {
        "\(seconds / 86_400)d \(seconds % 86_400 / 3_600)h"
    }
}

/// The `case list` JSON shape.
struct CaseListView: Encodable {
    let cases: [CaseView]
}

/// The `case history` JSON shape: events oldest first.
struct HistoryView: Encodable {
    struct Event: Encodable {
        let seq: Int64
        let version: Int
        let kind: String
        let transition: String?
        let from: String?
        let to: String?
        let actor: String
        let role: String?
        let at: String
        let reason: String?
        let fields: FieldValues

        // Scripts read every key: empty ones are null, never left out.
        func encode(to encoder: any Encoder) throws {
            enum Keys: String, CodingKey { case seq, version, kind, transition, from, to, actor, role, at, reason, fields }
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(seq, forKey: .seq)
            try c.encode(version, forKey: .version)
            try c.encode(kind, forKey: .kind)
            try c.encode(transition, forKey: .transition)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
            try c.encode(actor, forKey: .actor)
            try c.encode(role, forKey: .role)
            try c.encode(at, forKey: .at)
            try c.encode(reason, forKey: .reason)
            try c.encode(fields, forKey: .fields)
        }
    }

    let reference: String
    let events: [Event]

    init(_ record: CaseRecord, _ events: [EventRecord]) {
        reference = record.reference
        self.events = events.map {
            Event(seq: $0.seq, version: $0.caseVersion, kind: $0.kind.rawValue, transition: $0.transition,
                  from: $0.from, to: $0.to, actor: $0.actor, role: $0.role?.rawValue, at: $0.at.iso8601,
                  reason: $0.reason, fields: $0.fields)
        }
    }

    var table: Table {
        Table(
            columns: ["seq", "at", "kind", "transition", "from", "to", "actor", "reason", "fields"],
            rows: events.map { event in
                [String(event.seq), event.at, event.kind, event.transition ?? "", event.from ?? "", event.to ?? "",
                 event.actor, event.reason ?? "",
                 event.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.plainText)" }.joined(separator: "; ")]
            })
    }
}
