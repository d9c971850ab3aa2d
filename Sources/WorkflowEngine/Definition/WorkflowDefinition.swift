/// A state of a workflow.
public struct StateDefinition: Sendable {
    public enum Kind: String, Sendable {
        case initial
        case intermediate
        case terminal
    }

    public let name: String
    public let kind: Kind
    public let summary: String

    public init(_ name: String, _ kind: Kind = .intermediate, _ summary: String = "") {
        self.name = name
        self.kind = kind
        self.summary = summary
    }

    public static func initial(_ name: String, _ summary: String = "") -> Self { .init(name, .initial, summary) }
    public static func terminal(_ name: String, _ summary: String = "") -> Self { .init(name, .terminal, summary) }
}

/// Where a transition leads.
public enum TransitionTarget: Sendable, Hashable {
    case state(String)
    /// Back to the state the case was in before it entered the current one (resume after hold).
    case previous

    public var label: String {
        switch self {
        case .state(let name): return name
        case .previous: return "(previous)"
        }
    }
}

/// A named move between states, with who may make it and what must hold.
public struct TransitionDefinition: Sendable {
    public let name: String
    public let from: [String]
    public let to: TransitionTarget
    public let roles: [Role]
    public let guards: [Condition]
    public let summary: String

    public init(_ name: String, from: [String], to: TransitionTarget, roles: [Role], guards: [Condition] = [], summary: String = "") {
        self.name = name
        self.from = from
        self.to = to
        self.roles = roles
        self.guards = guards
        self.summary = summary
    }
}

/// A deadline: N days after entering a state, or relative to a date field.
public struct TimerDefinition: Sendable {
    public enum Deadline: Sendable, Hashable {
        case daysInState(Int)
        /// The date in the field plus N days (midnight UTC).
        case onField(String, plusDays: Int)
    }

    public enum Action: Sendable, Hashable {
        case markOverdue
        /// Fired as the `system` user; if its guards fail the case is listed as overdue instead.
        case fire(String)
    }

    public let state: String
    public let deadline: Deadline
    public let action: Action

    public init(in state: String, _ deadline: Deadline, _ action: Action = .markOverdue) {
        self.state = state
        self.deadline = deadline
        self.action = action
    }
}

/// Named counts a workflow records (`case record REF arrests 4`), and the states that accept them.
///
/// Counts only: an outcome never carries a name of a suspect or a victim.
public struct OutcomeCounters: Sendable {
    public let names: [String]
    public let states: [String]

    public init(_ names: [String], recordableIn states: [String]) {
        self.names = names
        self.states = states
    }
}

/// A workflow: states in definition order, transitions, field schema and timers.
///
/// Definitions are data, validated once when their module is registered.
public struct WorkflowDefinition: Sendable {
    public let id: String
    public let version: Int
    public let referencePrefix: String
    public let title: String
    public let states: [StateDefinition]
    public let transitions: [TransitionDefinition]
    public let fields: [FieldDefinition]
    public let timers: [TimerDefinition]
    /// The workflow every case of this one is opened under (`jpa.operation` under `jpa.period`).
    public let parentWorkflow: String?
    public let outcomes: OutcomeCounters?
    /// Conditions on the fields that hold after every change (open, advance, update), e.g. `ends_on ≥ starts_on`:
    /// a change that would break one is refused (65), whichever way it comes.
    public let invariants: [Condition]
    /// Who sees the values of its personal and its sensitive fields; everyone else sees `[redacted]`. By default,
    /// the roles that take its transitions, but neither managers nor admins (`Role.dataProtection` sees all).
    public let readers: [DataClass: Set<Role>]
    /// How many days a case's personal values are kept once it reaches a final state; `rsoctl retention run` erases
    /// them after that. Nil: kept until erased by hand (`case erase`).
    public let personalDataKeptDays: Int?

    // Lookups compiled once so the engine never searches lists per call.
    private let fieldIndex: [String: FieldDefinition]
    private let stateIndex: [String: Int]
    private let transitionsFrom: [String: [TransitionDefinition]]
    /// The names of the `personal` fields, which the engine seals, in the order declared.
    package let personalFields: [String]

    public init(
        id: String,
        version: Int = 1,
        referencePrefix: String,
        title: String,
        states: [StateDefinition],
        transitions: [TransitionDefinition],
        fields: [FieldDefinition],
        timers: [TimerDefinition] = [],
        parentWorkflow: String? = nil,
        outcomes: OutcomeCounters? = nil,
        invariants: [Condition] = [],
        readers: [DataClass: Set<Role>]? = nil,
        personalDataKeptDays: Int? = nil
    ) {
        self.id = id
        self.version = version
        self.referencePrefix = referencePrefix
        self.title = title
        self.states = states
        self.transitions = transitions
        self.fields = fields
        self.timers = timers
        self.parentWorkflow = parentWorkflow
        self.outcomes = outcomes
        self.invariants = invariants
        let working = Set(transitions.flatMap(\.roles)).subtracting([.manager, .admin, .system, .dataProtection])
        self.readers = readers ?? [.personal: working, .sensitive: working]
        self.personalDataKeptDays = personalDataKeptDays
        let fieldIndex = Dictionary(fields.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.fieldIndex = fieldIndex
        self.personalFields = fields.map(\.name).reduce(into: []) { names, name in
            if fieldIndex[name]?.dataClass == .personal, !names.contains(name) { names.append(name) }
        }
        self.stateIndex = Dictionary(states.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var from: [String: [TransitionDefinition]] = [:]
        for transition in transitions {
            for state in transition.from { from[state, default: []].append(transition) }
        }
        self.transitionsFrom = from
    }

    public var initialState: StateDefinition? { states.first { $0.kind == .initial } }

    public func field(_ name: String) -> FieldDefinition? { fieldIndex[name] }

    public func state(_ name: String) -> StateDefinition? { stateIndex[name].map { states[$0] } }

    /// Transitions that leave `state`, in definition order.
    public func transitions(from state: String) -> [TransitionDefinition] { transitionsFrom[state] ?? [] }

    public func transition(_ name: String, from state: String) -> TransitionDefinition? {
        transitions(from: state).first { $0.name == name }
    }

    public func timers(in state: String) -> [TimerDefinition] { timers.filter { $0.state == state } }

    /// The roles of the transitions leaving `state`, in definition order: whoever works a case there.
    public func roles(leaving state: String) -> [Role] {
        var roles: [Role] = []
        for role in transitions(from: state).flatMap(\.roles) where !roles.contains(role) { roles.append(role) }
        return roles
    }

    /// States in which `case update` may change `field`: those it declares, else every state that is not terminal.
    public func updatableStates(of field: FieldDefinition) -> [String] {
        field.updatableIn ?? states.filter { $0.kind != .terminal }.map(\.name)
    }

    /// Roles that may change `field` with `case update` while a case is in `state`: those it declares, else whoever
    /// works the case there.
    public func updatingRoles(of field: FieldDefinition, in state: String) -> [Role] {
        field.updatableBy ?? roles(leaving: state)
    }

    /// Who may change what with `case update`, state by state, as a Markdown table (README.md shows one per
    /// workflow; a test keeps the two in step). Terminal states are left out: nothing changes there.
    public var updateRulesTable: String {
        var lines = ["| state | role | may change |", "|---|---|---|"]
        for state in states where state.kind != .terminal {
            var byRole: [(role: Role, fields: [String])] = []
            for field in fields where updatableStates(of: field).contains(state.name) {
                for role in updatingRoles(of: field, in: state.name) {
                    if let index = byRole.firstIndex(where: { $0.role == role }) {
                        byRole[index].fields.append(field.name)
                    } else {
                        byRole.append((role, [field.name]))
                    }
                }
            }
            // Roles that may change the same fields share a row.
            var rows: [(roles: [Role], fields: [String])] = []
            for (role, names) in byRole.sorted(by: { $0.role < $1.role }) {
                if let index = rows.firstIndex(where: { $0.fields == names }) { rows[index].roles.append(role) } else { rows.append(([role], names)) }
            }
            if rows.isEmpty { lines.append("| \(state.name) | | nothing |") }
            for row in rows {
                lines.append("| \(state.name) | \(row.roles.map(\.rawValue).joined(separator: ", ")) | \(row.fields.joined(separator: ", ")) |")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Transitions a timer may fire from `state`: the only ones the `system` user may make.
    public func timerTransitions(from state: String) -> Set<String> {
        Set(timers(in: state).compactMap { timer in
            if case .fire(let name) = timer.action { return name }
            return nil
        })
    }
}
