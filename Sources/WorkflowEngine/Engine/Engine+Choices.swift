import Foundation

/// A transition a user may take on a case now, and what stands in its way: what a page shows before anyone clicks.
public struct TransitionChoice: Sendable {
    public let transition: TransitionDefinition
    /// The guards unmet as the case stands, each as the engine's hint (the same the refusal would list); the
    /// transition's own fields, given with it, may still meet them.
    public let unmet: [String]
    /// The fields the transition's guards read, which the transition may set: what its form asks for.
    public let fields: [FieldDefinition]
}

extension Engine {
    /// The transitions `actorName` may take from the case's state (by role), each tried as the engine would decide it
    /// now with no fields and no reason, and nothing written. Values are read to check guards but none is returned:
    /// the hints name fields, never their values.
    public func choices(on locator: CaseLocator, as actorName: String) async throws -> [TransitionChoice] {
        let context = try await context(ContextQuery(actor: actorName, locator: locator))
        let actor = try actingUser(actorName, found: context.user)
        guard let current = context.record else { throw notFound(locator) }
        let definition = try registry.workflow(current.workflow)
        let decider = Decider(definition)
        let now = clock.now().storagePrecision
        return definition.transitions(from: current.state).filter { $0.roles.contains(where: actor.holds) }.map { transition in
            var unmet: [String] = []
            do throws(WorkflowError) {
                _ = try decider.advance(
                    current, transition: transition.name, fields: [:], reason: nil, actor: actor, at: now,
                    latestActors: context.latestActors, parentState: context.parentState)
            } catch {
                unmet = error.details.isEmpty ? [error.message] : error.details
            }
            let read = Set(transition.guards.flatMap(\.fields))
            return TransitionChoice(transition: transition, unmet: unmet, fields: definition.fields.filter { read.contains($0.name) })
        }
    }
}

/// A case on someone's work list: where it stands, never its fields.
public struct WorkItem: Sendable {
    public let reference: String
    public let workflow: String
    public let state: String
    public let dueAt: Date?
    public let createdAt: Date
    public let updatedAt: Date
    /// Seconds past its due date at the moment of the list; nil when not overdue.
    public let lateness: TimeInterval?
}

extension Engine {
    /// The cases `actorName` can act on now (those in a state a transition of one of their roles leaves), by due date
    /// (so the most overdue come first), then those without one, the oldest first among equals; at most `limit`. It
    /// shows no field, so it reads no personal value and logs no access. Each state's cases are read in that order
    /// from an index, `limit` at most, however many stand there.
    public func workList(
        as actorName: String, workflow: String? = nil, state: String? = nil, country: String? = nil, limit: Int = 200
    ) async throws -> [WorkItem] {
        let actor = try await resolve(actorName)
        let definitions = try workflow.map { [try registry.workflow($0)] } ?? registry.workflows
        let now = clock.now()
        var items: [WorkItem] = []
        for definition in definitions {
            var query = CaseQuery(workflow: definition.id, limit: limit)
            query.order = .due
            if let country {
                // A workflow's country is its first country field that every case has (AVRR's host country, a JPA
                // operation's lead country); a workflow without one has no case in any country.
                guard let field = Self.countryField(of: definition) else { continue }
                query.fieldEquals = [(field.name, .string(country))]
            }
            for name in definition.states.map(\.name) where state == nil || state == name {
                guard definition.roles(leaving: name).contains(where: actor.holds) else { continue }
                query.state = name
                for record in try await store.listCases(query) {
                    items.append(WorkItem(reference: record.reference, workflow: record.workflow, state: record.state,
                                          dueAt: record.dueAt, createdAt: record.createdAt, updatedAt: record.updatedAt,
                                          lateness: record.lateness(at: now)))
                }
            }
        }
        let ordered = items.sorted { a, b in
            switch (a.dueAt, b.dueAt) {
            case let (x?, y?) where x != y: return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.createdAt < b.createdAt
            }
        }
        return Array(ordered.prefix(limit))
    }

    /// The country a work list filters a workflow's cases by: its first country field required at opening, else its
    /// first country field of ordinary data; nil when it has none.
    public static func countryField(of definition: WorkflowDefinition) -> FieldDefinition? {
        let countries = definition.fields.filter { $0.type == .country && $0.dataClass == .ordinary }
        return countries.first { $0.requiredAtOpen } ?? countries.first
    }
}
