import Foundation
import WorkflowEngine

/// The `case show` JSON shape; `case open`, `advance` and `update` print it too, and the HTTP API answers with it.
public struct CaseView: Encodable, Sendable {
    public let id: String
    public let reference: String
    public let workflow: String
    public let definitionVersion: Int
    public let state: String
    public let previousState: String?
    public let stateEnteredAt: String
    public let version: Int
    public let fields: FieldValues
    public let outcomes: [String: Int]
    public let parentId: String?
    /// The parent's reference (`JPAP-2013-000001`): what a person knows it by; `parentId` stays for scripts.
    public let parentReference: String?
    public let assignee: String?
    public let dueAt: String?
    public let overdue: Bool
    /// How far past `dueAt` the case is: `lateBy` for people ("3d 4h"), `lateBySeconds` for scripts; null when not overdue.
    public let lateBy: String?
    public let lateBySeconds: Int?
    public let allowedTransitions: [String]
    public let createdBy: String
    public let createdAt: String
    public let updatedBy: String
    public let updatedAt: String

    public init(_ record: CaseRecord, parentReference: String? = nil, registry: WorkflowRegistry, now: Date = Date()) {
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
        allowedTransitions = (try? registry.workflow(record.workflow))?
            .transitions(from: record.state).map(\.name) ?? []
        createdBy = record.createdBy
        createdAt = record.createdAt.iso8601
        updatedBy = record.updatedBy
        updatedAt = record.updatedAt.iso8601
    }

    /// The shape's members, sorted by key as every JSON rsoctl prints: the one definition `json`, `jsonBytes` and
    /// `encode(to:)` follow. Scripts read every key: empty ones are null, never left out.
    var members: [(key: String, value: JSONValue)] {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return [
            ("allowedTransitions", .array(allowedTransitions.map(JSONValue.string))), ("assignee", text(assignee)),
            ("createdAt", .string(createdAt)), ("createdBy", .string(createdBy)), ("definitionVersion", .int(definitionVersion)),
            ("dueAt", text(dueAt)), ("fields", .object(fields)), ("id", .string(id)), ("lateBy", text(lateBy)),
            ("lateBySeconds", lateBySeconds.map(JSONValue.int) ?? .null), ("outcomes", .object(outcomes.mapValues(JSONValue.int))),
            ("overdue", .bool(overdue)), ("parentId", text(parentId)), ("parentReference", text(parentReference)),
            ("previousState", text(previousState)), ("reference", .string(reference)), ("state", .string(state)),
            ("stateEnteredAt", .string(stateEnteredAt)), ("updatedAt", .string(updatedAt)), ("updatedBy", .string(updatedBy)),
            ("version", .int(version)), ("workflow", .string(workflow)),
        ]
    }

    /// The shape, as a JSON value.
    public var json: JSONValue { .object(Dictionary(uniqueKeysWithValues: members.lazy.map { ($0.key, $0.value) })) }

    /// The shape as JSON text, members written in their sorted order with no dictionary made and sorted again: what the
    /// server answers with, on its hot path.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1_024)
        BulkJSON.write(members: members, into: &out)
        return out
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }

    /// A case with its parent's reference looked up (a case stores only the parent's id).
    public static func of(_ record: CaseRecord, in engine: Engine, now: Date = Date()) async throws -> CaseView {
        var parentReference: String?
        if let parentID = record.parentID { parentReference = try await engine.find(.id(parentID)).reference }
        return CaseView(record, parentReference: parentReference, registry: engine.registry, now: now)
    }
}

/// How late a case is, for people: whole days and hours, rounded down ("3d 4h", "0d 5h").
public enum Lateness {
    public static func text(_ seconds: Int) -> String {
        "\(seconds / 86_400)d \(seconds % 86_400 / 3_600)h"
    }
}

/// The `case list` JSON shape.
public struct CaseListView: Encodable, Sendable {
    public let cases: [CaseView]

    public init(cases: [CaseView]) { self.cases = cases }

    /// Listed cases with their parents' references, each parent looked up once (a list's cases mostly share a few),
    /// and lateness at `now`: the instant the query's overdue filter used, so that the two agree.
    public static func of(_ records: [CaseRecord], in engine: Engine, now: Date) async throws -> CaseListView {
        var parentReferences: [UUID: String] = [:]
        var views: [CaseView] = []
        for record in records {
            if let id = record.parentID, parentReferences[id] == nil {
                parentReferences[id] = try await engine.find(.id(id)).reference
            }
            views.append(CaseView(record, parentReference: record.parentID.flatMap { parentReferences[$0] }, registry: engine.registry, now: now))
        }
        return CaseListView(cases: views)
    }
}

/// The `case history` JSON shape: events oldest first.
public struct HistoryView: Encodable, Sendable {
    public struct Event: Encodable, Sendable {
        public let seq: Int64
        public let version: Int
        public let kind: String
        public let transition: String?
        public let from: String?
        public let to: String?
        public let actor: String
        public let role: String?
        public let at: String
        public let reason: String?
        public let fields: FieldValues

        // Scripts read every key: empty ones are null, never left out.
        public func encode(to encoder: any Encoder) throws {
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

    public let reference: String
    public let events: [Event]

    public init(_ record: CaseRecord, _ events: [EventRecord]) {
        reference = record.reference
        self.events = events.map {
            Event(seq: $0.seq, version: $0.caseVersion, kind: $0.kind.rawValue, transition: $0.transition,
                  from: $0.from, to: $0.to, actor: $0.actor, role: $0.role?.rawValue, at: $0.at.iso8601,
                  reason: $0.reason, fields: $0.fields)
        }
    }
}
