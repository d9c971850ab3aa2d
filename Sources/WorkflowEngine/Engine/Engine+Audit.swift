import Foundation

/// What `audit verify` found: how much of the history the chain covers, and the first event that breaks it.
public struct HistoryAudit: Sendable {
    public var cases = 0
    public var chainedEvents = 0
    /// Events recorded before the chain existed (schema version 14): there is nothing to check them against.
    public var unchainedEvents = 0
    public var broken: (reference: String, at: HistoryChain.Break)?
}

extension Engine {
    /// Recomputes the history chain of one case, of one workflow's cases, or of every case, stopping at the first
    /// break. Admins only: it reads every case.
    public func verifyHistory(of locator: CaseLocator?, workflow: String?, as actorName: String) async throws -> HistoryAudit {
        let actor = try await resolve(actorName)
        guard actor.holds(.admin) else {
            throw WorkflowError(.forbidden, "\(actorName) may not verify the history: only an admin may; \(actorName) has: \(actor.roles.map(\.rawValue).joined(separator: ", "))")
        }
        var audit = HistoryAudit()
        func check(_ record: CaseRecord) async throws -> Bool {
            audit.cases += 1
            switch HistoryChain.verify(try await store.history(of: record.id), head: record.chainHead) {
            case .holds(let chained): audit.chainedEvents += chained
            case .unchained(let events): audit.unchainedEvents += events
            case .broken(let at):
                audit.broken = (record.reference, at)
                return false
            }
            return true
        }
        if let locator {
            _ = try await check(try await find(locator))
            return audit
        }
        let workflows = try workflow.map { [try registry.workflow($0).id] } ?? registry.workflows.map(\.id)
        for id in workflows {
            for record in try await store.listCases(CaseQuery(workflow: id, limit: Int(Int32.max))) where try await check(record) == false {
                return audit
            }
        }
        return audit
    }
}
