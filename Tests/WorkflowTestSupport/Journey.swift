import Foundation
import WorkflowEngine

/// One case driven through the pure `Decider`, remembering what a store would: the record, the time, the history,
/// who made each transition last (for four eyes) and the parent's state (for guards that read it).
/// Each step happens a day after the previous one unless it names its time.
public struct Journey: Sendable {
    public let decider: Decider
    /// Who makes a transition when a step names nobody.
    public let actor: @Sendable (String) -> User
    /// Who sets fields and records outcomes when a step names nobody.
    public let editor: User
    public private(set) var record: CaseRecord
    public private(set) var now: Date
    public private(set) var events: [EventRecord]
    public private(set) var latestActors: [String: String] = [:]
    /// The parent case's state as the store would read it.
    public var parentState: String?

    public static let day: TimeInterval = 86_400

    /// A new case opened by `opener` at `start`.
    public init(
        _ decider: Decider, fields: FieldValues, parent: CaseRecord? = nil, parentState: String? = nil, by opener: User,
        at start: Date, actor: @escaping @Sendable (String) -> User, editor: User
    ) throws(WorkflowError) {
        let new = try decider.open(id: UUID(), fields: fields, parent: parent, actor: opener, at: start)
        self.decider = decider
        self.actor = actor
        self.editor = editor
        self.parentState = parentState
        record = new.record
        now = start
        events = [new.event]
    }

    /// Takes each of `transitions` in turn, with a reason naming where they lead.
    public mutating func follow(_ transitions: [String], to state: String) throws(WorkflowError) {
        for transition in transitions {
            try advance(transition, reason: "on the way to \(state)")
        }
    }

    /// Takes `transition` a day after the previous step (or `at`).
    @discardableResult
    public mutating func advance(
        _ transition: String, by actor: User? = nil, fields: FieldValues = [:], reason: String? = nil, at: Date? = nil
    ) throws(WorkflowError) -> CaseChange {
        let when = at ?? now.addingTimeInterval(Self.day)
        let change = try decider.advance(
            record, transition: transition, fields: fields, reason: reason, actor: actor ?? self.actor(transition), at: when,
            latestActors: latestActors, parentState: parentState)
        latestActors[transition] = change.event.actor
        apply(change, at: when)
        return change
    }

    /// Adds `count` to an outcome counter, a day after the previous step.
    @discardableResult
    public mutating func recordOutcome(_ outcome: String, _ count: Int, reason: String? = nil) throws(WorkflowError) -> CaseChange {
        let when = now.addingTimeInterval(Self.day)
        let change = try decider.record(record, outcome: outcome, count: count, reason: reason, actor: editor, at: when)
        apply(change, at: when)
        return change
    }

    /// Sets fields without moving the case, a day after the previous step.
    @discardableResult
    public mutating func update(_ fields: FieldValues, by actor: User? = nil) throws(WorkflowError) -> CaseChange {
        let when = now.addingTimeInterval(Self.day)
        let change = try decider.update(record, fields: fields, reason: nil, actor: actor ?? editor, at: when)
        apply(change, at: when)
        return change
    }

    private mutating func apply(_ change: CaseChange, at when: Date) {
        record = change.record
        now = when
        events.append(change.event)
    }
}

extension FieldValues {
    /// These fields, with `changes` set on top.
    public func with(_ changes: FieldValues) -> FieldValues { merging(changes) { _, new in new } }

    /// These fields without `names`.
    public func without(_ names: String...) -> FieldValues { filter { !names.contains($0.key) } }
}
