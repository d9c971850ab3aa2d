import Foundation
import PostgresNIO
import WorkflowEngine

extension PostgresStore {
    public func claimDueCases(
        in targets: [TimerTarget], dueBy: Date, leasedAt: Date, leaseUntil: Date, limit: Int
    ) async throws -> [CaseRecord] {
        guard !targets.isEmpty, limit > 0 else { return [] }
        // One statement, so one transaction: the inner SELECT locks the rows it picks and skips rows
        // another runner is claiming right now; the UPDATE stamps the lease before those locks go.
        // A row another runner claimed and committed meanwhile is re-checked against its new lease
        // and dropped (READ COMMITTED re-evaluates the WHERE clause of a locked, updated row).
        let query: PostgresQuery = """
            UPDATE cases SET timer_claimed_until = \(leaseUntil)
            WHERE id IN (
                SELECT id FROM cases
                WHERE due_at <= \(dueBy)
                  AND (workflow, state) IN (
                      SELECT target.workflow, target.state
                      FROM unnest(\(targets.map(\.workflow))::text[], \(targets.map(\.state))::text[]) AS target (workflow, state))
                  AND (timer_claimed_until IS NULL OR timer_claimed_until <= \(leasedAt))
                ORDER BY due_at
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED)
            RETURNING \(unescaped: Self.caseColumns)
            """
        // RETURNING keeps no order: restore "earliest due first" here.
        return try await run { connection in try await cases(query, on: connection) }
            .sorted { ($0.dueAt ?? .distantPast, $0.reference) < ($1.dueAt ?? .distantPast, $1.reference) }
    }

    public func releaseTimerClaims(of caseIDs: [UUID], leaseUntil: Date) async throws {
        guard !caseIDs.isEmpty else { return }
        try await run { connection in
            _ = try await connection.query(
                "UPDATE cases SET timer_claimed_until = NULL WHERE id = ANY(\(caseIDs)) AND timer_claimed_until = \(leaseUntil)",
                logger: logger)
        }
    }
}
