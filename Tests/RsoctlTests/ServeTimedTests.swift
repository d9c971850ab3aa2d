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

    @Test("rso_db_pool_connections_in_use counts the connections answering a statement: one while a write waits on a row lock, then none")
    func poolConnectionsInUse() async throws {
        try await Self.withCase { db, reference in
            let token = try await HTTPAPITests.tokens(db, ["amina"])["amina"]
            let server = try await ServeTests.Server.start(ChildProcess.adding("lock_timeout=20", to: db.url), arguments: ["--pool", "2"])
            let inUse = #"rso_db_pool_connections_in_use"#
            #expect(try await ServeOptionsTests.samples(server)[inUse] == 0)
            let holder = try await LockHolder.hold(db, reference: reference)
            let write = Task { try await server.send("POST", "/v1/cases/\(reference)/transitions/start_counselling", token: token).status }
            #expect(try await ChildProcess.eventually(within: 15) { try await Self.waitingForLock(db) == 1 }, "the write never reached the lock")
            // The scrape reads the case counts on the other connection, and is done with it when it counts.
            let during = try await ServeOptionsTests.samples(server)
            #expect(during[inUse] == 1 && during["rso_db_pool_connections"] == 2, "\(during.filter { $0.key.hasPrefix("rso_db") })")
            try await holder.release()
            #expect(try await write.value == 200)
            #expect(try await ServeOptionsTests.samples(server)[inUse] == 0)
            #expect(await server.stop().exitCode == 0)
        }
    }

    /// A client that asks for an export and then reads nothing: a socket with a 4 KiB receive buffer, which takes the
    /// head and then sleeps.
    static let stalledClient = """
        import socket, sys, time
        host, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect((host, port))
        s.sendall(f"GET /v1/exports/avrr HTTP/1.1\\r\\nHost: {host}\\r\\nAuthorization: Bearer {token}\\r\\n\\r\\n".encode())
        print(s.recv(200).split(b"\\r\\n")[0].decode(), flush=True)
        time.sleep(120)
        """

    @Test("an export whose client stops reading is stopped after --request-timeout, and its database connection released")
    func aStalledExportReleasesItsConnection() async throws {
        try await TestDatabase.with(.postgres) { db in
            try await db.addStandardUsers()
            // About 10 MB of CSV: more than the sockets between server and client can buffer.
            try await TransferCommandTests.importBulkyCases(db, count: 50_000)
            let token = try #require(try await HTTPAPITests.tokens(db, ["amina"])["amina"])
            let server = try await ServeTests.Server.start(db.url, arguments: ["--pool", "2", "--request-timeout", "2"])
            let address = try #require(server.base.split(separator: "/").last?.split(separator: ":"))
            let client = try ChildProcess.tool("/usr/bin/env", ["python3", "-c", Self.stalledClient, String(address[0]), String(address[1]), token])
            #expect(await ChildProcess.eventually(within: 30) { client.stdoutSoFar.hasPrefix("HTTP/1.1 200") }, "\(client.stdoutSoFar)")
            // The export's statement (reading, or blocked sending rows) or its open transaction, until it is stopped.
            let busy = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'"
            let released = await ChildProcess.eventually(within: 20) { (try? await ChildProcess.psqlValue(db.url, busy)) == "0" }
            #expect(released, "the stalled export still holds its connection")
            client.terminate()
            _ = await client.finish(timeout: 10)
            let stopped = await server.stop()
            #expect(stopped.exitCode == 0)
            // Its request line said 200 when the answer started; a line of its own says it was cut short, and why.
            let lines = ServeTests.Server.logLines(stopped.stderr)
            let export = try #require(lines.first { $0["message"] as? String == "request" && $0["route"] as? String == "/v1/exports/{workflow}" })
            let cut = lines.first { $0["message"] as? String == "export stopped" }
            #expect(cut?["level"] as? String == "warning" && cut?["requestId"] as? String == export["requestId"] as? String, "\(lines)")
            #expect(cut?["reason"] as? String == "the client took no data for 2 s (--request-timeout)", "\(String(describing: cut))")
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
