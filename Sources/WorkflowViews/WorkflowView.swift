import WorkflowEngine

/// The `workflow show` JSON shape.
public struct WorkflowView: Encodable, Sendable {
    public struct State: Encodable, Sendable { public let name: String; public let kind: String }
    public struct Transition: Encodable, Sendable { public let name: String; public let from: [String]; public let to: String; public let roles: [String]; public let guards: [String] }
    public struct Field: Encodable, Sendable { public let name: String; public let type: String; public let data: String; public let requiredAtOpen: Bool; public let unique: String? }
    public struct Timer: Encodable, Sendable { public let state: String; public let deadline: String; public let action: String }

    public let id: String
    public let version: Int
    public let referencePrefix: String
    public let title: String
    public let states: [State]
    public let transitions: [Transition]
    public let fields: [Field]
    public let timers: [Timer]
    public let parentWorkflow: String?
    public let outcomes: [String]
    public let outcomesRecordableIn: [String]
    /// Days personal values are kept once a case is final (`retention run`); null: until erased by hand.
    public let personalDataKeptDays: Int?

    // Every key is written, null included: scripts read the same shape for every workflow.
    enum CodingKeys: String, CodingKey {
        case id, version, referencePrefix, title, states, transitions, fields, timers, parentWorkflow, outcomes,
             outcomesRecordableIn, personalDataKeptDays
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(version, forKey: .version)
        try c.encode(referencePrefix, forKey: .referencePrefix); try c.encode(title, forKey: .title)
        try c.encode(states, forKey: .states); try c.encode(transitions, forKey: .transitions)
        try c.encode(fields, forKey: .fields); try c.encode(timers, forKey: .timers)
        try c.encode(parentWorkflow, forKey: .parentWorkflow); try c.encode(outcomes, forKey: .outcomes)
        try c.encode(outcomesRecordableIn, forKey: .outcomesRecordableIn)
        try c.encode(personalDataKeptDays, forKey: .personalDataKeptDays)
    }

    public init(_ definition: WorkflowDefinition) {
        personalDataKeptDays = definition.personalDataKeptDays
        parentWorkflow = definition.parentWorkflow
        outcomes = definition.outcomes?.names ?? []
        outcomesRecordableIn = definition.outcomes?.states ?? []
        id = definition.id
        version = definition.version
        referencePrefix = definition.referencePrefix
        title = definition.title
        states = definition.states.map { State(name: $0.name, kind: $0.kind.rawValue) }
        transitions = definition.transitions.map {
            Transition(name: $0.name, from: $0.from, to: $0.to.label, roles: $0.roles.map(\.rawValue), guards: $0.guards.map(\.name))
        }
        fields = definition.fields.map {
            Field(name: $0.name, type: $0.type.name, data: $0.dataClass.rawValue, requiredAtOpen: $0.requiredAtOpen, unique: $0.unique?.rawValue)
        }
        timers = definition.timers.map { timer in
            let deadline: String
            switch timer.deadline {
            case .daysInState(let days): deadline = "\(days) days in state"
            case .onField(let field, let days): deadline = days == 0 ? "on \(field)" : "\(days) days after \(field)"
            }
            let action: String
            switch timer.action {
            case .markOverdue: action = "overdue"
            case .fire(let transition): action = "system fires \(transition)"
            }
            return Timer(state: timer.state, deadline: deadline, action: action)
        }
    }
}
