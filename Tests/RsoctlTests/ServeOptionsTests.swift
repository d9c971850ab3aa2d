import Foundation
import Testing

/// What an operator runs `rsoctl serve` with: Prometheus metrics, the timer loop, the pool size and the request
/// deadline; and the options' limits.
@Suite("rsoctl serve: /metrics, --timers, --pool, --request-timeout")
struct ServeOptionsTests {
    typealias Server = ServeTests.Server

    /// `/metrics`, as Prometheus scrapes it: sample lines (`name{labels} value`) by their name and labels.
    static func samples(_ server: Server) async throws -> [String: Double] {
        let answer = try await server.get("/metrics")
        #expect(answer.status == 200 && answer.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true, "\(answer)")
        var samples: [String: Double] = [:]
        for line in answer.text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    @Test("/metrics counts requests by route and status, transitions and refusals by workflow, cases per state, and the pool",
          arguments: Backend.allCases)
    func metricsCountWhatHappened(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let token = try await HTTPAPITests.tokens(db, ["amina"])
            let server = try await Server.start(db.url, arguments: ["--pool", "3"])
            let reference = try #require(try await server.send("POST", "/v1/cases", token: token["amina"], json: HTTPAPITests.opening).body["reference"] as? String)
            _ = try await db.openCase()
            #expect(try await server.send("POST", "/v1/cases/\(reference)/transitions/start_counselling", token: token["amina"]).status == 200)
            #expect(try await server.send("POST", "/v1/cases/\(reference)/transitions/start_counselling", token: token["amina"]).status == 409)
            #expect(try await server.send("GET", "/v1/cases/\(reference)").status == 401)
            // Made-up names become `unknown`: a client cannot grow the registry one label at a time.
            for made in ["made-up-1", "made-up-2"] {
                #expect(try await server.send("POST", "/v1/cases/\(reference)/transitions/\(made)", token: token["amina"]).status == 409)
            }
            #expect(try await server.send("POST", "/v1/cases/AVRR-1999-000001/transitions/submit", token: token["amina"]).status == 404)

            let samples = try await Self.samples(server)
            let pool: Double = backend == .postgres ? 3 : 0
            let expected: [String: Double] = [
                #"rso_http_requests_total{method="POST",route="/v1/cases",status="201"}"#: 1,
                #"rso_http_requests_total{method="POST",route="/v1/cases/{reference}/transitions/{transition}",status="200"}"#: 1,
                #"rso_http_requests_total{method="POST",route="/v1/cases/{reference}/transitions/{transition}",status="409"}"#: 3,
                #"rso_http_requests_total{method="GET",route="/v1/cases/{reference}",status="401"}"#: 1,
                #"rso_http_request_duration_seconds_count{method="POST",route="/v1/cases"}"#: 1,
                #"rso_transitions_total{workflow="avrr",transition="start_counselling"}"#: 1,
                #"rso_refusals_total{workflow="avrr",transition="start_counselling",code="67"}"#: 1,
                #"rso_refusals_total{workflow="avrr",transition="unknown",code="67"}"#: 2,
                #"rso_refusals_total{workflow="unknown",transition="unknown",code="66"}"#: 1,
                // One case opened over HTTP and moved on, one opened by rsoctl: the gauges read the database.
                #"rso_cases{workflow="avrr",state="counselling"}"#: 1,
                #"rso_cases{workflow="avrr",state="registered"}"#: 1,
                #"rso_cases{workflow="avrr",state="closed"}"#: 0,
                "rso_db_pool_connections": pool,
                "rso_db_pool_connections_in_use": 0,
                // The scrape itself is in flight while it is answered.
                "rso_http_requests_in_flight": 1,
            ]
            for (sample, value) in expected {
                let found = samples[sample]
                #expect(found == value, "\(sample): \(found.map { String($0) } ?? "absent")")
            }
            // No label carries a reference or a value.
            let text = try await server.get("/metrics").text
            for secret in [reference, "Nur Rahman", "THA", "made-up"] { #expect(!text.contains(secret), "/metrics holds \(secret)") }
            #expect(await server.stop().exitCode == 0)
        }
    }

    @Test("--timers fires due timer transitions in the server, once each, as system, and counts them", arguments: Backend.allCases)
    func timersRunInTheServer(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            try await db.succeed(["users", "add", "cora", "--role", "coordinator", "--actor", "root"])
            // Every date is fixed and long past: the period is due whatever day the test runs.
            let due = try await TimersCommandTests.period(db, "JPA 1", endsOn: "2025-01-31")
            let server = try await Server.start(db.url, arguments: ["--timers", "--timer-interval", "1"])
            let concluded = await ChildProcess.eventually(within: 30) { (try? await db.show(due)["state"] as? String) == "concluded" }
            #expect(concluded, "the server's timer loop concluded the due period")
            // A few more ticks: nothing fires twice.
            try await Task.sleep(for: .seconds(2))
            let samples = try await Self.samples(server)
            #expect(samples[#"rso_timers_fired_total{workflow="jpa.period",transition="conclude"}"#] == 1, "\(samples.filter { $0.key.contains("timers") })")
            let concludes = try await db.events(due).filter { $0["transition"] as? String == "conclude" }
            #expect(concludes.count == 1 && concludes.first?["actor"] as? String == "system" && concludes.first?["at"] as? String == "2025-02-01T00:00:00Z")
            let stopped = await server.stop()
            #expect(stopped.exitCode == 0, "\(stopped)")
            #expect(ServeTests.Server.logLines(stopped.stderr).contains { $0["message"] as? String == "timers" && "\($0["fired"] ?? "")" == "1" }, "\(stopped.stderr)")
        }
    }

    @Test("out-of-range options are refused with 64 naming the range, before anything starts")
    func optionsOutOfRange() async throws {
        try await TestDatabase.with(.sqlite) { db in
            let refusals: [([String], String)] = [
                (["--pool", "0"], "--pool must be from 1 to 100"),
                (["--pool", "101"], "--pool must be from 1 to 100"),
                (["--request-timeout", "0"], "--request-timeout must be from 1 to 3600"),
                (["--timer-interval", "100000"], "--timer-interval must be from 1 to 86400"),
            ]
            for (arguments, mentions) in refusals {
                let result = try await RsoctlProcess.run(["serve", "--listen", "127.0.0.1:0"] + arguments, databaseURL: db.url, timeout: 30)
                #expect(result.exitCode == 64 && result.stderr.contains(mentions), "\(arguments): \(result)")
            }
        }
    }

    @Test("an address it cannot listen on is refused with 78 naming the address and why, not as a database failure")
    func anAddressInUseIsNamed() async throws {
        try await TestDatabase.with(.sqlite) { db in
            // Another process's listener on a free port: the operator's second server, say.
            let taken = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(taken) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                    bind(taken, generic, length) == 0 && listen(taken, 1) == 0 && getsockname(taken, generic, &length) == 0
                }
            }
            try #require(bound, "could not take a port for the test")
            let port = Int(UInt16(bigEndian: address.sin_port))
            let result = try await RsoctlProcess.run(["serve", "--listen", "127.0.0.1:\(port)"], databaseURL: db.url, timeout: 60)
            #expect(result.exitCode == 78, "\(result)")
            #expect(result.stderr.contains("cannot listen on 127.0.0.1:\(port)") && result.stderr.contains("in use"), "\(result)")
            #expect(!result.stderr.contains("database connection failed"), "\(result)")
        }
    }

    @Test("on IPv6 loopback it names its address as --listen takes it, [::1]:PORT, and answers there")
    func listensOnIPv6() async throws {
        try await TestDatabase.with(.sqlite) { db in
            let process = try ChildProcess.rsoctl(["serve", "--listen", "[::1]:0"], databaseURL: db.url)
            var address: String?
            _ = await ChildProcess.eventually(within: 60) {
                address = ServeTests.Server.logLines(process.stderrSoFar).first { $0["message"] as? String == "listening" }?["address"] as? String
                return address != nil || !process.isRunning
            }
            guard let bound = address else {
                Issue.record("rsoctl serve did not say where it listens: \(await process.finish(timeout: 5))")
                return
            }
            #expect(bound.wholeMatch(of: /\[::1\]:[0-9]+/) != nil, "\(bound)")
            // curl, as an operator would: Foundation's URLSession refuses a URL with an IPv6 literal here.
            let live = try await RsoctlProcess.tool("/usr/bin/env", ["curl", "-g", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "http://\(bound)/health/live"], timeout: 30)
            #expect(live.stdout == "200", "\(live)")
            #expect(await ServeTests.Server(process: process, base: "http://\(bound)").stop().exitCode == 0)
        }
    }
}
