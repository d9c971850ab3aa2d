import Foundation
import Testing

/// The rest of the CLI over HTTP: update, outcomes, lists, metrics of every kind, reports, workflows and users. Each
/// answer is compared with what rsoctl prints for the same question, key for key: the API has no shapes of its own.
@Suite("HTTP API: every read and write the CLI has, in the CLI's shapes")
struct HTTPAPIRoutesTests {
    typealias Server = ServeTests.Server

    /// `rsoctl ARGS --format json` as `actor` (nil for the commands that take none), parsed.
    static func cli(_ db: TestDatabase, _ arguments: [String], as actor: String?) async throws -> NSDictionary {
        try await db.json(arguments + (actor.map { ["--actor", $0] } ?? []) + ["--format", "json"]) as NSDictionary
    }

    @Test("update and outcomes write as case update and case record do; a list answers as case list", arguments: Backend.allCases)
    func writesAndLists(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let token = try await HTTPAPITests.tokens(db, ["amina", "maria", "cora"])
            let server = try await Server.start(db.url)
            let reference = try #require(try await server.send("POST", "/v1/cases", token: token["amina"], json: HTTPAPITests.opening).body["reference"] as? String)

            let update: [String: Any] = ["fields": ["destination_country": "MMR"], "reason": "counselling notes"]
            let updated = try await server.send("PATCH", "/v1/cases/\(reference)", token: token["amina"], json: update, headers: ["If-Match": "\"1\""])
            #expect(updated.status == 200 && updated.headers["etag"] == "\"2\"", "\(updated)")
            #expect((updated.body["fields"] as? [String: Any])?["destination_country"] as? String == "MMR")
            #expect((updated.body as NSDictionary) == (try await Self.cli(db, ["case", "show", reference], as: "amina")))
            let stale = try await server.send("PATCH", "/v1/cases/\(reference)", token: token["amina"], json: update, headers: ["If-Match": "\"1\""])
            #expect(stale.status == 409 && stale.body["exitCode"] as? Int == 70, "\(stale)")
            let empty = try await server.send("PATCH", "/v1/cases/\(reference)", token: token["amina"], json: ["fields": [:]])
            #expect(empty.status == 400 && (empty.body["detail"] as? String)?.contains("at least one field") == true, "\(empty)")
            let invalid = try await server.send("PATCH", "/v1/cases/\(reference)", token: token["amina"], json: ["fields": ["host_country": "thailand"]])
            #expect(invalid.status == 422 && invalid.body["exitCode"] as? Int == 65, "\(invalid)")
            let history = try await db.json(["case", "history", reference, "--actor", "amina", "--format", "json"])
            let last = (history["events"] as? [[String: Any]])?.last
            #expect(last?["kind"] as? String == "field_update" && last?["reason"] as? String == "counselling notes", "\(history)")

            // A list: the CLI's, key for key; a manager may not filter on a personal field.
            let listed = try await server.send("GET", "/v1/cases?workflow=AVRR&field=host_country=THA&limit=10", token: token["amina"])
            #expect(listed.status == 200 && (listed.body["cases"] as? [[String: Any]])?.map { $0["reference"] as? String } == [reference], "\(listed)")
            #expect((listed.body as NSDictionary) == (try await Self.cli(db, ["case", "list", "--workflow", "avrr", "--field", "host_country=THA", "--limit", "10"], as: "amina")))
            let byName = try await server.send("GET", "/v1/cases?field=full_name=Nur%20Rahman", token: token["maria"])
            #expect(byName.status == 403 && (byName.body["detail"] as? String)?.contains("may not filter on full_name") == true, "\(byName)")

            // Outcomes on a JPA operation: counted, refused as on the command line, and totalled by the metrics route.
            let period = try await db.activePeriod(named: "JPA 10")
            let operation = try await db.operation(in: period, named: "Op Tide")
            let recorded = try await server.send("POST", "/v1/cases/\(operation)/outcomes/arrests", token: token["cora"], json: ["count": 4])
            #expect(recorded.status == 200 && (recorded.body["outcomes"] as? [String: Any])?["arrests"] as? Int == 4, "\(recorded)")
            let refusals: [([String: Any], Int, String)] = [
                (["count": -1], 422, "--reason"),
                (["count": "4"], 400, "a whole number from -1000000 to 1000000"),
                (["count": 2.5], 400, "a whole number from -1000000 to 1000000"),
                (["count": 2_000_000], 422, "implausibly large"),
                ([:], 400, "the body needs \"count\""),
                (["count": 1, "why": "x"], 400, "the body's key why is not accepted"),
            ]
            for (body, status, mentions) in refusals {
                let answer = try await server.send("POST", "/v1/cases/\(operation)/outcomes/arrests", token: token["cora"], json: body)
                #expect(answer.status == status && (answer.body["detail"] as? String)?.contains(mentions) == true, "\(body): \(answer)")
            }
            // JSON does not tell 2 from 2.0.
            let whole = try await server.send("POST", "/v1/cases/\(operation)/outcomes/arrests", token: token["cora"], json: "{\"count\": 2.0}")
            #expect(whole.status == 200 && (whole.body["outcomes"] as? [String: Any])?["arrests"] as? Int == 6, "\(whole)")
            let totals = try await server.send("GET", "/v1/metrics/jpa.operation/outcomes?parent=\(period)", token: token["maria"])
            #expect((totals.body["totals"] as? [String: Any])?["arrests"] as? Int == 6, "nothing refused was counted: \(totals)")
            #expect((totals.body as NSDictionary) == (try await Self.cli(db, ["metrics", "outcomes", "jpa.operation", "--parent", period], as: "maria")))
            #expect(await server.stop().exitCode == 0)
        }
    }

    @Test("metrics, reports, workflows and users answer with the CLI's JSON; bad parameters are named", arguments: Backend.allCases)
    func readsAnswerAsTheCLI(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addModuleUsers()
            let token = try await HTTPAPITests.tokens(db, ["amina", "maria", "root"])
            _ = try await db.openCase()
            _ = try await db.openCase(category: "refugee")
            let server = try await Server.start(db.url)
            // The workflow commands read no database, and take no actor; the routes still take a token.
            let same: [(String, [String], String, cliActor: String?)] = [
                ("/v1/metrics/avrr/stages", ["metrics", "stages", "avrr"], "maria", "maria"),
                ("/v1/metrics/avrr/stages?by=category&asOf=2013-06-24", ["metrics", "stages", "avrr", "--by", "category", "--as-of", "2013-06-24"], "maria", "maria"),
                ("/v1/metrics/avrr/flow?into=registered&from=2000-01-01&to=2099-12-31&by=host_country",
                 ["metrics", "flow", "avrr", "--into", "registered", "--from", "2000-01-01", "--to", "2099-12-31", "--by", "host_country"], "maria", "maria"),
                ("/v1/metrics/avrr/durations", ["metrics", "durations", "avrr"], "maria", "maria"),
                ("/v1/metrics/avrr/durations?state=returned", ["metrics", "durations", "avrr", "--state", "returned"], "maria", "maria"),
                ("/v1/reports/crvs.access", ["report", "crvs.access"], "maria", "maria"),
                ("/v1/workflows", ["workflow", "list"], "maria", nil),
                ("/v1/workflows/jpa.operation", ["workflow", "show", "jpa.operation"], "maria", nil),
                ("/v1/users", ["users", "list"], "maria", "maria"),
                ("/v1/users/amina", ["users", "show", "amina"], "root", "root"),
            ]
            for (path, arguments, actor, cliActor) in same {
                let answer = try await server.send("GET", path, token: token[actor])
                #expect(answer.status == 200, "\(path): \(answer)")
                #expect((answer.body as NSDictionary) == (try await Self.cli(db, arguments, as: cliActor)), "\(path): \(answer.body)")
            }
            let stages = try await server.send("GET", "/v1/metrics/avrr/stages?by=category", token: token["maria"])
            let registered = (stages.body["stages"] as? [[String: Any]])?.first
            #expect(registered?["count"] as? Int == 2 && registered?["by"] as? [String: Int] == ["irregular_migrant": 1, "refugee": 1], "\(stages)")

            let graph = try await server.send("GET", "/v1/workflows/avrr/graph?format=dot", token: token["amina"])
            #expect(graph.status == 200 && graph.headers["content-type"] == "text/plain; charset=utf-8")
            #expect(graph.text == (try await db.succeed(["workflow", "graph", "avrr", "--format", "dot"])).stdout)

            let refusals: [(String, String, Int, String)] = [
                ("/v1/metrics/avrr/flow?from=2020-01-01&to=2020-12-31", "maria", 400, "the query parameter into is required"),
                ("/v1/metrics/avrr/stages?asOf=2013-02-30", "maria", 400, "asOf '2013-02-30' is not a day"),
                ("/v1/metrics/avrr/stages?asOf=0173-01-31", "maria", 422, "asOf '0173-01-31' is outside the accepted dates"),
                ("/v1/metrics/avrr/stages?by=full_name", "maria", 422, "full_name is personal data"),
                ("/v1/metrics/avrr/stages?as-of=2013-06-24", "maria", 400, "the query parameter as-of is not taken here; parameters: asOf, by"),
                ("/v1/metrics/avrr/stages?by=category&by=host_country", "maria", 400, "by is given 2 times"),
                ("/v1/metrics/nowhere/stages", "maria", 404, "nowhere"),
                ("/v1/cases?state=%07", "amina", 422, "control character U+0007"),
                ("/v1/cases?overdue=yes", "amina", 400, "give true or false"),
                ("/v1/cases?limit=1001", "amina", 400, "from 1 to 1000"),
                ("/v1/workflows/avrr/graph?format=svg", "amina", 400, "give mermaid or dot"),
                ("/v1/users/amina", "maria", 403, "maria"),
            ]
            for (path, actor, status, mentions) in refusals {
                let answer = try await server.send("GET", path, token: token[actor])
                #expect(answer.status == status && (answer.body["detail"] as? String)?.contains(mentions) == true, "\(path): \(answer)")
            }
            #expect(await server.stop().exitCode == 0)
        }
    }

    @Test("an Idempotency-Key is one user's: a retry replays, another user's same key is 422, an empty key is 400; the log never holds a key",
          arguments: Backend.allCases)
    func idempotencyKeysOverHTTP(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let token = try await HTTPAPITests.tokens(db, ["amina", "budi", "maria"])
            let server = try await Server.start(db.url)
            let key = ["Idempotency-Key": "key-of-amina-5f3a"]
            let first = try await server.send("POST", "/v1/cases", token: token["amina"], json: HTTPAPITests.opening, headers: key)
            let retry = try await server.send("POST", "/v1/cases", token: token["amina"], json: HTTPAPITests.opening, headers: key)
            #expect(first.status == 201 && retry.status == 201 && retry.body["reference"] as? String == first.body["reference"] as? String, "\(retry)")
            for other in ["budi", "maria"] {
                let answer = try await server.send("POST", "/v1/cases", token: token[other], json: HTTPAPITests.opening, headers: key)
                #expect(answer.status == 422 && (answer.body["detail"] as? String)?.contains("another user's") == true, "\(other): \(answer)")
            }
            let empty = try await server.send("POST", "/v1/cases", token: token["amina"], json: HTTPAPITests.opening, headers: ["Idempotency-Key": ""])
            #expect(empty.status == 400 && (empty.body["detail"] as? String)?.contains("the idempotency key is empty") == true, "\(empty)")
            let stopped = await server.stop()
            #expect(stopped.exitCode == 0)
            #expect(!stopped.stderr.contains("key-of-amina"), "the log holds the key")
            #expect(ServeTests.Server.logLines(stopped.stderr).contains { $0["message"] as? String == "replayed" }, "the replay is logged")
        }
    }
}
