import Foundation
import Testing

/// `rsoctl serve`'s specs that measure time (run with the other timed specs): `--request-timeout` (a request waiting
/// its turn is answered at the deadline, and a write's answer is the truth about it), and bad tokens limited per
/// address.
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

    // Counted per 3 s of wall time: run with the timed specs, on a quiet machine, so that 20 requests take well
    // under 3 s (under the whole suite's load a request took seconds).
    @Test("after 20 bad tokens from one address it answers 429 with Retry-After without looking; a valid token still passes")
    func badTokensAreRateLimited() async throws {
        try await TestDatabase.with(.sqlite) { db in
            try await db.addStandardUsers()
            let token = try await HTTPAPITests.tokens(db, ["amina"])
            let server = try await ServeTests.Server.start(db.url)
            #expect(try await server.send("GET", "/v1/workflows", token: token["amina"]).status == 200)
            let bad = "rso_" + String(repeating: "B", count: 43)
            // Until the first 429: 20 refusals, plus one for each 3 s the requests took (a loaded machine is slow).
            var statuses: [Int] = []
            let started = Date()
            while statuses.last != 429, statuses.count < 60 { statuses.append(try await server.send("GET", "/v1/workflows", token: bad).status) }
            let regained = Int(Date().timeIntervalSince(started) / 3)
            let refused = statuses.dropLast().count
            #expect(statuses.last == 429 && statuses.dropLast().allSatisfy { $0 == 401 } && (20...20 + regained).contains(refused), "\(statuses)")
            let limited = try await server.send("GET", "/v1/workflows", token: bad)
            #expect(limited.status == 429 && limited.headers["retry-after"].flatMap(Int.init).map { (1...3).contains($0) } == true, "\(limited)")
            #expect((limited.body["detail"] as? String)?.hasPrefix("too many unknown, expired or revoked tokens came from 127.0.0.1 lately: wait ") == true, "\(limited.body)")
            // A colleague at the same address, with a token that works, is not locked out, once it is remembered no more
            // (5 s) either.
            #expect(try await server.send("GET", "/v1/workflows", token: token["amina"]).status == 200)
            try await Task.sleep(for: .seconds(5.5))
            #expect(try await server.send("GET", "/v1/workflows", token: token["amina"]).status == 200)
            // Meanwhile the address regained a try or more (one per 3 s), then is limited again.
            var after: [Int] = []
            while after.last != 429, after.count < 10 { after.append(try await server.send("GET", "/v1/workflows", token: bad).status) }
            #expect(after.first == 401 && after.last == 429, "\(after)")
            #expect(await server.stop().exitCode == 0)
        }
    }
}
