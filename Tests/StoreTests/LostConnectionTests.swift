import Foundation
import Logging
import PostgresNIO
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine

/// A statement whose connection closes never waits for ever. PostgresNIO can drop a query written to a connection
/// the server has just closed, so that its await never resumes (about one command in 900 after a restart): the store
/// gives up on any call whose connection has closed without an answer, and says to retry (exit 75).
@Suite("PostgreSQL: a call whose connection closes ends")
struct LostConnectionTests {
    /// What a call did, or that it had not finished when the test stopped waiting (without waiting for it).
    enum Ending: Sendable {
        case answered(Int)
        case failed(String)
        case stillWaiting
    }

    /// Runs `call` and returns how it ended within `seconds`, and when, never waiting longer: a hung call is left behind.
    static func ending(within seconds: Double, _ call: @escaping @Sendable () async throws -> Int) async -> (Ending, ContinuousClock.Instant) {
        let started = ContinuousClock.now
        let box = EndingBox()
        Task {
            do { box.set(.answered(try await call())) } catch { box.set(.failed(String(reflecting: error))) }
        }
        while ContinuousClock.now - started < .seconds(seconds) {
            if let ended = box.value { return ended }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return (.stillWaiting, .now)
    }

    /// The call failed, with these words, within a few seconds of `closed` (when its connection was closed).
    static func expectFailure(
        of call: Task<(Ending, ContinuousClock.Instant), Never>, soonAfter closed: ContinuousClock.Instant, saying words: [String]
    ) async {
        let (ending, endedAt) = await call.value
        let seconds = Self.seconds(from: closed, to: endedAt)
        guard case .failed(let description) = ending else {
            Issue.record("the call did not fail after its connection closed: \(ending)")
            return
        }
        for word in words { #expect(description.contains(word), "\(description)") }
        // The watch looks every second; the bound is for "not for ever", with room for two cores busy with every
        // other test (seen: 12 s, most of it this test's own polling task waiting for a thread).
        #expect(seconds < 30, "took \(seconds) s after the close")
    }

    static func seconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
        let elapsed = end - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    final class EndingBox: @unchecked Sendable {
        private let lock = NSLock()
        private var ending: (Ending, ContinuousClock.Instant)?
        var value: (Ending, ContinuousClock.Instant)? { lock.withLock { ending } }
        func set(_ new: Ending) { lock.withLock { ending = (new, .now) } }
    }

    /// The server ends the session of `connection` (as a restart or an operator would).
    static func terminateBackend(of connection: PostgresConnection, admin: PostgresLocation) async throws {
        let pid = try await connection.query("SELECT pg_backend_pid()", logger: Logger(label: "rso.test")).decode(Int32.self).all()[0]
        try await TestPostgres.execute("SELECT pg_terminate_backend(\(pid))", on: admin)
    }

    @Test("an operation that never answers ends with LostConnection within seconds of the server closing its connection")
    func neverAnsweringOperationEnds() async throws {
        let admin = try TestPostgres.adminLocation()
        let connection = try await PostgresConnection.connect(
            configuration: admin.connectionConfiguration, id: 7, logger: Logger(label: "rso.test"))
        // The sleep stands for the dropped query: an await nothing will ever resume.
        let waiting = Task {
            await Self.ending(within: 60) { try await connection.answering { try await Task.sleep(for: .seconds(600)); return 1 } }
        }
        try await Task.sleep(for: .milliseconds(300))
        try await Self.terminateBackend(of: connection, admin: admin)
        await Self.expectFailure(of: waiting, soonAfter: .now, saying: ["closed while a statement waited for its answer"])
    }

    @Test("an answer is returned as it is, on an open connection and on one that closes afterwards")
    func answersStand() async throws {
        let admin = try TestPostgres.adminLocation()
        let connection = try await PostgresConnection.connect(
            configuration: admin.connectionConfiguration, id: 8, logger: Logger(label: "rso.test"))
        let logger = Logger(label: "rso.test")
        let answer = try await connection.answering(grace: .milliseconds(100)) {
            try await Task.sleep(for: .milliseconds(350))  // several looks at the open connection
            return try await connection.query("SELECT 42", logger: logger).decode(Int.self).all()[0]
        }
        #expect(answer == 42)
        try await connection.close()
        try await Task.sleep(for: .milliseconds(300))  // the watch would have fired by now had it outlived the answer
    }

    @Test("a store call whose session the server ends mid-statement is 75, saying to retry, within seconds")
    func storeCallEndsWithTemporary() async throws {
        try await Backend.postgres.withFreshStore { (store, _) async throws in
            let postgres = try #require(store as? PostgresStore)
            let admin = try TestPostgres.adminLocation()
            let database = postgres.location.database
            let sleeping = Task {
                await Self.ending(within: 60) {
                    try await postgres.run { connection in
                        _ = try await connection.query("SELECT pg_sleep(90)", logger: postgres.logger).collect()
                        return 1
                    }
                }
            }
            // The statement starts when the pool has connected, which on two busy cores can take seconds: end its
            // session as soon as it is seen running (a single early look found nothing to end, and the call waited on).
            let terminate = """
                WITH running AS MATERIALIZED (
                    SELECT pid FROM pg_stat_activity WHERE datname = '\(database)' AND query LIKE 'SELECT pg_sleep(90)%')
                SELECT (count(*) FILTER (WHERE pg_terminate_backend(pid)))::int8 FROM running
                """
            let looking = ContinuousClock.now
            var ended = 0
            while ended == 0, ContinuousClock.now - looking < .seconds(15) {
                try await Task.sleep(for: .milliseconds(100))
                ended = try await TestPostgres.integer(terminate, on: admin)
            }
            try #require(ended == 1, "the statement was never seen running")
            await Self.expectFailure(of: sleeping, soonAfter: .now, saying: ["temporary", "retry"])
        }
    }
}
