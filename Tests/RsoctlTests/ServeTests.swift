import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `rsoctl serve` as an operator runs it: it says where it listens, answers its health checks, logs each request as
/// one JSON line, and stops cleanly on SIGTERM.
@Suite("rsoctl serve: health checks, JSON logs, graceful stop")
struct ServeTests {
    /// A running server on a free loopback port, stopped by the test.
    struct Server {
        let process: ChildProcess
        let base: String

        /// `arguments`: more of `rsoctl serve`'s options, e.g. `["--timers"]`.
        static func start(_ databaseURL: String, arguments: [String] = [], environment: [String: String] = [:]) async throws -> Server {
            let process = try ChildProcess.rsoctl(["serve", "--listen", "127.0.0.1:0"] + arguments, databaseURL: databaseURL, environment: environment)
            var address: String?
            _ = await ChildProcess.eventually(within: 60) {
                address = Self.logLines(process.stderrSoFar).first { $0["message"] as? String == "listening" }?["address"] as? String
                return address != nil || !process.isRunning
            }
            guard let address else {
                throw RsoctlTestError("rsoctl serve did not say where it listens: \(await process.finish(timeout: 5))")
            }
            return Server(process: process, base: "http://\(address)")
        }

        /// SIGTERM, then at most 30 s to stop, counted from now (`finish` counts from the start, and a server may
        /// have served a long test by then).
        func stop() async -> ChildProcess.Outcome {
            process.terminate()
            return await process.finish(timeout: Date().timeIntervalSince(process.started) + 30)
        }

        static func logLines(_ stderr: String) -> [[String: Any]] {
            stderr.split(separator: "\n").compactMap { line in
                guard line.hasPrefix("{") else { return nil }
                return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            }
        }

        /// A status, the headers (names in lower case), the body as a JSON object (empty when it is not JSON) and as text.
        typealias Answer = (status: Int, headers: [String: String], body: [String: Any], text: String)

        func get(_ path: String, headers: [String: String] = [:]) async throws -> Answer {
            try await send("GET", path, headers: headers)
        }

        /// One request; `token` as `Authorization: Bearer`, `json` as the body (a string or bytes are sent as they are,
        /// as JSON unless `headers` name another Content-Type).
        func send(_ method: String, _ path: String, token: String? = nil, json: Any? = nil, headers: [String: String] = [:]
        ) async throws -> Answer {
            var request = URLRequest(url: URL(string: base + path)!, timeoutInterval: 30)
            request.httpMethod = method
            for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
            if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
            if let text = json as? String {
                request.httpBody = Data(text.utf8)
            } else if let bytes = json as? Data {
                request.httpBody = bytes
            } else if let json {
                request.httpBody = try JSONSerialization.data(withJSONObject: json)
            }
            if request.httpBody != nil && request.value(forHTTPHeaderField: "Content-Type") == nil {
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
            let (data, response) = try await URLSession.shared.data(for: request)
            let http = try #require(response as? HTTPURLResponse)
            var fields: [String: String] = [:]
            for (name, value) in http.allHeaderFields { fields["\(name)".lowercased()] = "\(value)" }
            let isJSON = fields["content-type"]?.contains("json") == true
            let body = data.isEmpty || !isJSON ? [:] : (try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:])
            return (http.statusCode, fields, body, String(decoding: data, as: UTF8.self))
        }
    }

    @Test("it answers live and ready, logs each request as a JSON line without values, and stops on SIGTERM with exit 0",
          arguments: Backend.allCases)
    func healthLogsAndGracefulStop(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let server = try await Server.start(db.url)
            let live = try await server.get("/health/live", headers: ["X-Request-Id": "probe-1"])
            #expect(live.status == 200 && live.body["status"] as? String == "live", "\(live)")
            #expect(live.headers["x-request-id"] == "probe-1")
            let ready = try await server.get("/health/ready", headers: ["X-Request-Id": "not a valid id"])
            #expect(ready.status == 200 && ready.body["status"] as? String == "ready", "\(ready)")
            #expect(ready.body["checks"] as? [String: String] == ["database": "ok", "migrations": "ok", "masterKey": "ok"])
            #expect(ready.headers["x-request-id"] != "not a valid id" && ready.headers["x-request-id"]?.count == 36)
            if backend == .postgres {
                // A steady pool (docs/postgresnio-memory.md): all eight connections (--pool's default) open, none closed for idling.
                let open = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                #expect(try await ChildProcess.eventually(within: 30) { try await ChildProcess.psqlValue(db.url, open) == "8" },
                        "the server's pool did not open all its connections")
            }

            let outcome = await server.stop()
            #expect(outcome.exitCode == 0, "\(outcome)")
            let lines = Server.logLines(outcome.stderr)
            let requests = lines.filter { $0["message"] as? String == "request" }
            #expect(requests.map { $0["route"] as? String } == ["/health/live", "/health/ready"], "\(requests)")
            #expect(requests.map { $0["status"] as? Int } == [200, 200])
            #expect(requests.first?["requestId"] as? String == "probe-1")
            #expect(requests.allSatisfy { $0["method"] as? String == "GET" && $0["durationMs"] is Double })
            #expect(lines.map { $0["message"] as? String }.suffix(2) == ["stopping", "stopped"], "\(lines)")
            #expect(lines.last { $0["message"] as? String == "stopping" }?["signal"] as? String == "SIGTERM")
        }
    }

    @Test("a request's log line names the user its token acts as; a request with no token or a bad one names none")
    func theLogLineNamesTheTokensUser() async throws {
        try await TestDatabase.with(.sqlite) { db in
            try await db.addStandardUsers()
            let token = try #require(try await HTTPAPITests.tokens(db, ["amina"])["amina"])
            let server = try await Server.start(db.url)
            #expect(try await server.get("/v1/workflows", headers: ["Authorization": "Bearer \(token)"]).status == 200)
            #expect(try await server.get("/v1/workflows", headers: ["Authorization": "Bearer rso_not-a-token"]).status == 401)
            #expect(try await server.get("/health/live").status == 200)
            let outcome = await server.stop()
            let requests = Server.logLines(outcome.stderr).filter { $0["message"] as? String == "request" }
            #expect(requests.map { $0["user"] as? String } == ["amina", nil, nil], "\(requests)")
        }
    }

    @Test("ready is 503 with Retry-After and a problem body while the schema is not migrated")
    func notReadyBeforeMigration() async throws {
        let admin = try TestDatabase.postgresAdminURL()
        let name = "rso_e2e_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        try await TestDatabase.psqlCommand(admin, "CREATE DATABASE \(name)")
        let server = try await Server.start(try TestDatabase.url(admin, database: name))
        let ready = try await server.get("/health/ready")
        let stopped = await server.stop()
        try? await TestDatabase.psqlCommand(admin, "DROP DATABASE \(name) WITH (FORCE)")
        #expect(ready.status == 503, "\(ready)")
        #expect(ready.headers["retry-after"] == "5" && ready.headers["content-type"] == "application/problem+json", "\(ready.headers)")
        #expect(ready.body["status"] as? Int == 503 && ready.body["title"] as? String == "Service Unavailable")
        #expect((ready.body["detail"] as? String)?.contains("run rsoctl db migrate") == true, "\(ready.body)")
        #expect((ready.body["checks"] as? [String: String])?["migrations"] == "pending")
        #expect(stopped.exitCode == 0, "\(stopped)")
    }

    @Test("a --listen that is no HOST:PORT is refused with 64, naming what is accepted")
    func badListenAddresses() async throws {
        for bad in ["8080", "127.0.0.1", "127.0.0.1:65536", "127.0.0.1:-1", ":8080", "host name:80", "127.0.0.1:80x"] {
            let result = try await RsoctlProcess.run(["serve", "--listen", bad], databaseURL: nil)
            BadInputTests.expect(result, exitCode: 64, mentions: ["is not an address: give HOST:PORT"])
        }
    }
}
