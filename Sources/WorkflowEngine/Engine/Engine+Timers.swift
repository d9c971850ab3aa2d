import Foundation

/// What one timer run did, case by case.
public struct TimerRun: Sendable {
    /// A timer's transition, made by `system`.
    public struct Fired: Sendable {
        /// The case after the transition.
        public let record: CaseRecord
        public let transition: String
        public let from: String
        /// The deadline that fired, which is also the time the transition is recorded at.
        public let dueAt: Date
    }

    /// A case past its due date at the run's clock, with how late it is.
    public struct Overdue: Sendable {
        public let record: CaseRecord
        public let dueAt: Date
        public let lateBy: TimeInterval
        /// Why the timer's transition did not fire; nil when no timer of this run tried to fire it
        /// (a mark-overdue timer, or a case another runner held).
        public let unmetGuards: [String]?
    }

    /// A due case left alone because it changed while this run was deciding: someone else acted first.
    public struct Skipped: Sendable {
        public let record: CaseRecord
        public let transition: String
        public let reason: String
    }

    /// The run's clock: what "due" was measured against.
    public let now: Date
    /// A dry run decides what would fire and writes nothing: `fired` lists the transitions it would make.
    public var dryRun = false
    public var fired: [Fired] = []
    public var overdue: [Overdue] = []
    public var skipped: [Skipped] = []
}

extension Engine {
    /// This engine acting as `system` on a run's clock (timers, retention), so that a change may be recorded up to
    /// `now`, not just the wall clock.
    func acting(asSystemAt now: Date) -> Engine {
        var system = Engine(registry: registry, store: store, sealing: sealing, clock: FixedClock(now), replays: replays)
        system.firesTimers = true
        return system
    }

    /// Fires every due timer transition as `system`, once, and lists the cases overdue at `now`.
    ///
    /// Several runs may go at once, in this process or others: each claims a disjoint batch of due
    /// cases with a lease, and the case's version check makes a transition happen once even if
    /// leases overlap (a runner that loses the race reports the case as skipped).
    ///
    /// `now` may be behind the wall clock (catching up), never ahead of it: a transition recorded in the future
    /// would be history that has not happened yet. Leases always use the engine's clock, because they arbitrate
    /// between processes running now. A `dryRun` claims nothing and writes nothing: it decides each due case as a
    /// run would and lists what would fire.
    public func runTimers(
        now: Date, dryRun: Bool = false, batchSize: Int = 100, lease: TimeInterval = 300, overdueLimit: Int = 1000
    ) async throws -> TimerRun {
        let now = now.storagePrecision
        let wallClock = clock.now().storagePrecision
        if now > wallClock {
            throw WorkflowError(.usage, "--now \(now.iso8601) is in the future (it is \(wallClock.iso8601)): timers record what happened, so they run at or before now; --dry-run with no --now shows what is due")
        }
        if dryRun { return try await decideTimers(now: now, overdueLimit: overdueLimit) }
        let system = acting(asSystemAt: now)
        let targets = registry.workflows.flatMap { workflow in
            Set(workflow.timers.compactMap { timer -> String? in
                if case .fire = timer.action { return timer.state }
                return nil
            }).sorted().map { TimerTarget(workflow: workflow.id, state: $0) }
        }
        var run = TimerRun(now: now)
        var refused: [UUID: [String]] = [:]
        var leases: [(ids: [UUID], until: Date)] = []
        var tried: Set<UUID> = []
        do {
            // Batches until nothing due is left unclaimed. Leases are kept until the run ends, so a case is
            // tried at most once per run: a fired case that is due again in its new state waits for the next run.
            while true {
                let wall = clock.now().storagePrecision
                let until = wall.addingTimeInterval(lease).storagePrecision
                let claimed = try await store.claimDueCases(in: targets, dueBy: now, leasedAt: wall, leaseUntil: until, limit: batchSize)
                    .map { try sealing.opened($0) }
                leases.append((claimed.map(\.id), until))
                let fresh = claimed.filter { tried.insert($0.id).inserted }
                if fresh.isEmpty { break }
                for record in fresh {
                    switch try await system.fireTimer(on: record, now: now, write: true) {
                    case .fired(let fired): run.fired.append(fired)
                    case .refused(let unmet): refused[record.id] = unmet
                    case .skipped(let skipped): run.skipped.append(skipped)
                    case .notYetDue: break
                    }
                }
            }
        } catch {
            await releasing(leases)
            throw error
        }
        await releasing(leases)
        run.overdue = try await overdue(at: now, refused: refused, fired: Set(run.fired.map(\.record.id)), limit: overdueLimit)
        return run
    }

    /// Every due case decided as a run would decide it, with nothing claimed and nothing written.
    private func decideTimers(now: Date, overdueLimit: Int) async throws -> TimerRun {
        var run = TimerRun(now: now, dryRun: true)
        var refused: [UUID: [String]] = [:]
        for record in try await stored(CaseQuery(overdueAt: now.addingTimeInterval(0.001), limit: Int.max)) {
            switch try await fireTimer(on: record, now: now, write: false) {
            case .fired(let fired): run.fired.append(fired)
            case .refused(let unmet): refused[record.id] = unmet
            case .skipped(let skipped): run.skipped.append(skipped)
            case .notYetDue: break
            }
        }
        run.overdue = try await overdue(at: now, refused: refused, fired: Set(run.fired.map(\.record.id)), limit: overdueLimit)
        return run
    }

    /// How one claimed case fared.
    private enum TimerOutcome {
        case fired(TimerRun.Fired)
        case refused([String])
        case skipped(TimerRun.Skipped)
        /// Due by another (mark-overdue) timer of its state, not yet by one that fires.
        case notYetDue
    }

    /// Tries the state's fire timers whose deadlines have passed, earliest first, until one fires; without `write`,
    /// only decides whether it would (the same rules, on the case as read now).
    private func fireTimer(on record: CaseRecord, now: Date, write: Bool) async throws -> TimerOutcome {
        guard let definition = try? registry.workflow(record.workflow) else { return .notYetDue }
        let due = definition.timers(in: record.state).compactMap { timer -> (transition: String, at: Date)? in
            guard case .fire(let transition) = timer.action,
                  let deadline = timer.deadline(enteredAt: record.stateEnteredAt, fields: record.fields), deadline <= now
            else { return nil }
            return (transition, deadline)
        }.sorted { $0.at < $1.at }
        guard let first = due.first else { return .notYetDue }
        if record.updatedAt > now {
            return .skipped(.init(record: record, transition: first.transition,
                                  reason: "its latest event (\(record.updatedAt.iso8601)) is after the run's clock"))
        }
        var unmet: [String] = []
        for (transition, deadline) in due {
            // Recorded when the deadline passed, not when the runner got to it: stage durations and
            // "as of" counts then do not depend on how often timers run. Never before the latest event.
            let at = max(deadline, record.updatedAt)
            do {
                let after = write
                    ? try await advance(.id(record.id), transition, as: User.systemName, expectedVersion: record.version, at: at)
                    : try await decideTimerTransition(on: record, transition, at: at)
                return .fired(.init(record: after, transition: transition, from: record.state, dueAt: deadline))
            } catch let error as WorkflowError {
                switch error.code {
                case .guardFailed: unmet += error.details
                // The module's own rules refuse the fields as they stand: as good as an unmet guard.
                case .invalidData: unmet += error.details.isEmpty ? [error.message] : error.details
                case .conflict, .notAllowed, .notFound:
                    return .skipped(.init(record: record, transition: transition, reason: error.message))
                default: throw error
                }
            }
        }
        return .refused(unmet)
    }

    /// The case as `system` making `transition` at `at` would leave it, decided by the same rules and written nowhere.
    private func decideTimerTransition(on record: CaseRecord, _ transition: String, at: Date) async throws -> CaseRecord {
        let context = try await context(ContextQuery(actor: User.systemName, locator: .id(record.id)))
        let change = try Decider(try registry.workflow(record.workflow)).advance(
            record, transition: transition, fields: [:], reason: nil, actor: User.system, at: at,
            latestActors: context.latestActors, parentState: context.parentState)
        return change.record
    }

    /// Every case overdue at `now`, latest first; those a timer could not fire carry its unmet guards.
    private func overdue(at now: Date, refused: [UUID: [String]], fired: Set<UUID>, limit: Int) async throws -> [TimerRun.Overdue] {
        var cases = try await stored(CaseQuery(overdueAt: now, limit: limit)).filter { !fired.contains($0.id) }
        // A refused case due exactly at `now` is not "past" due for the listing, but the run did try it.
        let listed = Set(cases.map(\.id))
        for id in refused.keys where !listed.contains(id) {
            if let record = try await stored(.id(id)) { cases.append(record) }
        }
        return cases.compactMap { record in
            guard let dueAt = record.dueAt else { return nil }
            return TimerRun.Overdue(record: record, dueAt: dueAt, lateBy: max(0, now.timeIntervalSince(dueAt)),
                                    unmetGuards: refused[record.id])
        }.sorted { ($0.dueAt, $0.record.reference) < ($1.dueAt, $1.record.reference) }
    }

    /// Hands the run's leases back so the next run (or a runner waiting now) need not wait for them to end.
    private func releasing(_ leases: [(ids: [UUID], until: Date)]) async {
        for lease in leases { try? await store.releaseTimerClaims(of: lease.ids, leaseUntil: lease.until) }
    }
}

extension CaseRecord {
    /// How long past its due date the case is at `now`; nil when it has no due date or it has not passed.
    public func lateness(at now: Date) -> TimeInterval? {
        guard let dueAt, dueAt < now else { return nil }
        return now.timeIntervalSince(dueAt)
    }
}

extension TimerDefinition {
    /// This one timer's deadline for a case that entered its state at `enteredAt` (the stored `dueAt` is the
    /// earliest over all the state's timers, which may be a mark-overdue one rather than one that fires).
    func deadline(enteredAt: Date, fields: FieldValues) -> Date? {
        switch deadline {
        case .daysInState(let days):
            return enteredAt.addingTimeInterval(Double(days) * 86_400)
        case .onField(let field, let days):
            guard let text = fields[field]?.stringValue, let day = SimpleDate(text) else { return nil }
            return day.startOfDay.addingTimeInterval(Double(days) * 86_400)
        }
    }
}
