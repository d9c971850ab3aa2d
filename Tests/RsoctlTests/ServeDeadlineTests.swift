import Foundation
import Testing

/// `rsoctl serve --request-timeout`: a request waiting its turn is answered at the deadline, and a write's answer is
/// the truth about it (run with the other timed specs).
extension TimeoutTests {
    @Test("a request waiting for a connection past --request-timeout is 503 at the deadline; a write held by a lock answers as it ended")
    func serverRequestDeadline() async throws {
        try await Self.withCase { db, reference in
            let token = try await HTTPAPITests.tokens(db, ["amina"])["amina"]
            // One connection, which the blocked write holds; the lock wait itself is bounded by lock_timeout.
            let server = try await ServeTests.Server.start(
                ChildProcess.adding("lock_timeout=20", to: db.url), arguments: ["--pool", "1", "--request-timeout", "1"])
            let holder = try await LockHolder.hold(db, reference: reference)
            let write = Task { try await server.send("POST", "/v1/cases/\(reference)/transitions/start_counselling", token: token).status }
            #expect(try await ChildProcess.eventually(within: 15) { try await Self.waitingForLock(db) == 1 }, "the write never reached the lock")

            let started = Date()
            let read = try await server.send("GET", "/v1/cases/\(reference)", token: token)
            let waited = Date().timeIntervalSince(started)
            #expect(read.status == 503 && read.headers["retry-after"] == "5", "\(read)")
            #expect((read.body["detail"] as? String)?.hasPrefix("the request did not finish within 1 s (rsoctl serve --request-timeout)") == true, "\(read.body)")
            #expect(waited < 5, "answered after \(waited) s")

            try await holder.release()
            let written = try await write.value
            let state = try await db.show(reference)["state"] as? String
            // Whatever the write's answer, it is the truth: success only if it landed, a refusal only if it did not.
            #expect(written == 200 ? state == "counselling" : state == "registered", "answered \(written), the case is \(state ?? "?")")
            #expect([200, 503].contains(written), "the write answered \(written)")
            #expect(await server.stop().exitCode == 0)
        }
    }
}
