import Foundation
import SQLiteNIO
import WorkflowEngine

extension SQLiteStore {
    public func claimDueCases(
        in targets: [TimerTarget], dueBy: Date, leasedAt: Date, leaseUntil: Date, limit: Int
    ) async throws -> [CaseRecord] {
        guard !targets.isEmpty, limit > 0 else { return [] }
        // SQLite has no row locks to skip: the write transaction (BEGIN IMMEDIATE) serialises
        // claimers across processes, so each sees the leases the previous one committed.
        let pairs = Array(repeating: "(?, ?)", count: targets.count).joined(separator: ", ")
        let sql = """
            UPDATE cases SET timer_claimed_until = ?
            WHERE id IN (
                SELECT id FROM cases
                WHERE due_at <= ?
                  AND (workflow, state) IN (VALUES \(pairs))
                  AND (timer_claimed_until IS NULL OR timer_claimed_until <= ?)
                ORDER BY due_at
                LIMIT ?)
            RETURNING *
            """
        let binds: [SQLiteData] = [.micros(leaseUntil), .micros(dueBy)]
            + targets.flatMap { [SQLiteData.text($0.workflow), .text($0.state)] }
            + [.micros(leasedAt), .integer(limit)]
        let claimed = try await transaction { try await self.query(sql, binds).map(Self.caseRecord) }
        // RETURNING keeps no order: restore "earliest due first" here.
        return claimed.sorted { ($0.dueAt ?? .distantPast, $0.reference) < ($1.dueAt ?? .distantPast, $1.reference) }
    }

    public func releaseTimerClaims(of caseIDs: [UUID], leaseUntil: Date) async throws {
        guard !caseIDs.isEmpty else { return }
        let sql = "UPDATE cases SET timer_claimed_until = NULL WHERE timer_claimed_until = ? AND id IN ("
            + Array(repeating: "?", count: caseIDs.count).joined(separator: ", ") + ")"
        let binds: [SQLiteData] = [.micros(leaseUntil)] + caseIDs.map(SQLiteData.uuid)
        try await transaction { _ = try await self.query(sql, binds) }
    }
}
