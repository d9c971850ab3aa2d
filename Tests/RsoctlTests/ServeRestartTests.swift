import Foundation
import Testing
import WorkflowTestSupport

/// `rsoctl serve` while its PostgreSQL restarts, and while it is itself told to stop (run with the other restart
/// spec, on a private cluster).
extension RestartUnderLoadTests {
    /// One keyed open over HTTP: its key, its status (-1: no answer at all) and the case it answered with.
    struct Attempt: Sendable {
        let key: String
        let status: Int
        let reference: String?
    }

    /// Workers opening cases, each request under a key of its own, until `end`.
    static func opening(_ server: ServeTests.Server, token: String?, workers: Int, until end: Date, prefix: String) async throws -> [Attempt] {
        try await withThrowingTaskGroup(of: [Attempt].self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var generator = SeededRandom(seed: UInt64(worker + 11))
                    var attempts: [Attempt] = []
                    while Date() < end, attempts.count < 2_000 {
                        let key = "\(prefix)-\(worker)-\(attempts.count)"
                        do {
                            let answer = try await server.send("POST", "/v1/cases", token: token, json: HTTPAPITests.opening,
                                                               headers: ["Idempotency-Key": key])
                            attempts.append(Attempt(key: key, status: answer.status, reference: answer.body["reference"] as? String))
                        } catch {
                            attempts.append(Attempt(key: key, status: -1, reference: nil))
                        }
                        try await Task.sleep(for: .milliseconds(Int.random(in: 0..<40, using: &generator)))
                    }
                    return attempts
                }
            }
            var all: [Attempt] = []
            for try await attempts in group { all += attempts }
            return all
        }
    }

    /// The keys of the requests that landed, read from the history.
    static func landedKeys(_ url: String, prefix: String) async throws -> Set<String> {
        let keys = try await ChildProcess.psqlValue(url, "SELECT string_agg(idempotency_key, ' ') FROM case_events WHERE idempotency_key LIKE '\(prefix)-%'")
        return Set(keys.split(separator: " ").map(String.init))
    }

    @Test("rsoctl serve answers 201 or 503 while PostgreSQL restarts, none hangs, the pool recovers; a write answered 503 never landed; SIGTERM under load loses no acknowledged write")
    func serverThroughRestartsAndStop() async throws {
        try await Cluster.with { try await serve(on: $0) }
    }

    private func serve(on cluster: Cluster) async throws {
        // The throwaway cluster commits asynchronously (scripts/pg-throwaway); an immediate restart would then lose
        // the last commits it had acknowledged, whatever the server did. A real server commits synchronously.
        // (A role's setting wins over the server's command line, where pg-throwaway sets it.)
        _ = try await ChildProcess.psqlValue(cluster.url, "ALTER ROLE CURRENT_USER SET synchronous_commit = on")
        let setUp = TestDatabase(backend: .postgres, url: cluster.url)
        try await setUp.succeed(["db", "migrate"])
        try await setUp.addStandardUsers()
        let token = try await HTTPAPITests.tokens(setUp, ["amina"])["amina"]
        let server = try await ServeTests.Server.start(cluster.url, arguments: ["--request-timeout", "10"], environment: ["RSO_CONNECT_TIMEOUT": "5"])

        // Three workers for 16 s; PostgreSQL restarted three times meanwhile, fast and immediate.
        let end = Date().addingTimeInterval(16)
        async let attempts = Self.opening(server, token: token, workers: 3, until: end, prefix: "restart")
        for mode in ["fast", "immediate", "fast"] {
            try await Task.sleep(for: .seconds(4))
            let restarted = try await cluster.restart(mode: mode)
            #expect(restarted.exitCode == 0, "pg_ctl restart -m \(mode) failed: \(restarted)")
        }
        let during = try await attempts
        let byStatus = Dictionary(grouping: during, by: \.status).mapValues(\.count)
        print("serve through restarts: \(during.count) opens; by status: \(byStatus.sorted { $0.key < $1.key })")
        #expect(Set(byStatus.keys).isSubset(of: [201, 503]), "\(byStatus)")
        #expect((byStatus[201] ?? 0) >= 10, "too few opens succeeded: \(byStatus)")
        // Exactly the writes answered 201 landed: none answered 503 landed later.
        let landed = try await Self.landedKeys(cluster.url, prefix: "restart")
        let answered201 = Set(during.filter { $0.status == 201 }.map(\.key))
        #expect(landed == answered201,
                "landed but refused: \(landed.subtracting(answered201).sorted().prefix(5)); acknowledged but not found: \(answered201.subtracting(landed).count), e.g. \(answered201.subtracting(landed).sorted().prefix(5))")
        // The pool recovered: ready, and a request succeeds.
        #expect(await ChildProcess.eventually(within: 20) { (try? await server.get("/health/ready").status) == 200 })
        #expect(try await server.send("POST", "/v1/cases", token: token, json: HTTPAPITests.opening).status == 201)

        // SIGTERM under load: every write acknowledged before the server stopped is in the database.
        async let underStop = Self.opening(server, token: token, workers: 3, until: Date().addingTimeInterval(4), prefix: "stop")
        try await Task.sleep(for: .seconds(1.5))
        let stopped = await server.stop()
        #expect(stopped.exitCode == 0, "\(stopped)")
        let stopping = try await underStop
        let acknowledged = Set(stopping.filter { $0.status == 201 }.map(\.key))
        print("serve stopped under load: \(stopping.count) opens, \(acknowledged.count) acknowledged")
        #expect(acknowledged.count >= 3, "too few opens before the stop: \(stopping.count)")
        #expect(acknowledged.isSubset(of: try await Self.landedKeys(cluster.url, prefix: "stop")), "an acknowledged write was lost")
        #expect(stopping.allSatisfy { [201, 503, -1].contains($0.status) }, "\(Dictionary(grouping: stopping, by: \.status).mapValues(\.count))")
    }
}

extension RestartUnderLoadTests {
    /// A client that reads an export slowly (64 KiB every 50 ms) and prints how much it got, and whether it all came.
    static let slowExportClient = """
        import sys, time, urllib.request
        request = urllib.request.Request(sys.argv[1] + "/v1/exports/avrr", headers={"Authorization": "Bearer " + sys.argv[2]})
        got = 0
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                while chunk := answer.read(65536):
                    got += len(chunk)
                    time.sleep(0.05)
            print("complete", got, flush=True)
        except Exception as error:
            print("cut", got, type(error).__name__, flush=True)
        """

    @Test("PostgreSQL restarted while an export streams to a slow client: the export is cut, the server lives on and the next export is whole")
    func exportThroughARestart() async throws {
        try await Cluster.with { cluster in
            let setUp = TestDatabase(backend: .postgres, url: cluster.url)
            try await setUp.succeed(["db", "migrate"])
            try await setUp.addStandardUsers()
            // About 8 MB of CSV, so that the export is still streaming when PostgreSQL goes away.
            try await TransferCommandTests.importBulkyCases(setUp, count: 40_000)
            let token = try #require(try await HTTPAPITests.tokens(setUp, ["amina"])["amina"])
            let server = try await ServeTests.Server.start(cluster.url, environment: ["RSO_CONNECT_TIMEOUT": "5"])
            let client = try ChildProcess.tool("/usr/bin/env", ["python3", "-c", Self.slowExportClient, server.base, token])
            try await Task.sleep(for: .seconds(2))
            let restarted = try await cluster.restart(mode: "fast")
            #expect(restarted.exitCode == 0, "pg_ctl restart -m fast failed: \(restarted)")
            let cut = await client.finish(timeout: 120)
            #expect(cut.stdout.hasPrefix("cut "), "the export was not cut by the restart: \(cut)")
            #expect(server.process.isRunning, "the server died: \(server.process.stderrSoFar.suffix(2_000))")

            let whole = try await ChildProcess.eventually(within: 30) {
                (try? await server.send("GET", "/v1/exports/avrr", token: token))?.text.split(separator: "\n").count == 40_001
            }
            #expect(whole, "an export after the restart is whole")
            #expect(await server.stop().exitCode == 0)
        }
    }
}
