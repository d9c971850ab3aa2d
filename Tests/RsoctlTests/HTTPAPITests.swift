import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The `/v1` API through a running `rsoctl serve`, as a client would use it, on both backends: tokens decide who acts,
/// the rules and refusals are the CLI's, each refusal is a problem body with its status.
@Suite("HTTP API: cases with tokens, problems, the document")
struct HTTPAPITests {
    typealias Server = ServeTests.Server

    /// A token for each of the standard users, issued by root.
    static func tokens(_ db: TestDatabase, _ names: [String]) async throws -> [String: String] {
        var tokens: [String: String] = [:]
        for name in names {
            tokens[name] = try await db.succeed(["users", "token", name, "--actor", "root"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return tokens
    }

    nonisolated(unsafe) static let opening: [String: Any] = [
        "workflow": "avrr",
        "fields": ["full_name": "Nur Rahman", "host_country": "THA", "category": "irregular_migrant", "date_of_birth": "1990-02-03"],
    ]

    @Test("a caseworker opens and advances a case to approval, an approver approves it (four eyes), a manager sees it redacted",
          arguments: Backend.allCases)
    func aCaseTravelsToApprovalOverHTTP(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let token = try await Self.tokens(db, ["amina", "chen", "dual", "maria"])
            let server = try await Server.start(db.url)
            let opened = try await server.send("POST", "/v1/cases", token: token["amina"], json: Self.opening)
            #expect(opened.status == 201, "\(opened)")
            let reference = try #require(opened.body["reference"] as? String)
            #expect(opened.headers["location"] == "/v1/cases/\(reference)" && opened.headers["etag"] == "\"1\"")
            #expect((opened.body["fields"] as? [String: Any])?["full_name"] as? String == "Nur Rahman")

            let counselling = try await server.send("POST", "/v1/cases/\(reference)/transitions/start_counselling", token: token["amina"],
                                                   headers: ["If-Match": "\"1\""])
            #expect(counselling.status == 200 && counselling.body["state"] as? String == "counselling", "\(counselling)")
            let ready: [String: Any] = ["fields": ["consent_signed_on": "2020-01-01", "destination_country": "MMR", "travel_document": "valid"]]
            let submitted = try await server.send("POST", "/v1/cases/\(reference)/transitions/submit", token: token["dual"], json: ready)
            #expect(submitted.status == 200 && submitted.body["state"] as? String == "awaiting_approval", "\(submitted)")
            // Four eyes: who submitted may not approve, even holding the approver role.
            let ownApproval = try await server.send("POST", "/v1/cases/\(reference)/transitions/approve", token: token["dual"])
            #expect(ownApproval.status == 422 && ownApproval.body["exitCode"] as? Int == 68, "\(ownApproval)")
            let approved = try await server.send("POST", "/v1/cases/\(reference)/transitions/approve", token: token["chen"])
            #expect(approved.status == 200 && approved.body["state"] as? String == "approved" && approved.headers["etag"] == "\"4\"", "\(approved)")

            let managers = try await server.send("GET", "/v1/cases/\(reference)", token: token["maria"])
            #expect(managers.status == 200, "\(managers)")
            #expect((managers.body["fields"] as? [String: Any])?["full_name"] as? String == "[redacted]")
            let history = try await server.send("GET", "/v1/cases/\(reference)/history?purpose=return%20travel", token: token["amina"])
            #expect((history.body["events"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["opened", "transition", "transition", "transition"])

            let outcome = await server.stop()
            #expect(outcome.exitCode == 0, "\(outcome)")
            for value in ["Nur Rahman", "Rahman", "1990-02-03"] { #expect(!outcome.stderr.contains(value), "the log holds \(value)") }
        }
    }

    @Test("each refusal is a problem body with the status of its exit code, and nothing is written", arguments: Backend.allCases)
    func refusalsAreProblems(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let token = try await Self.tokens(db, ["amina", "budi", "maria"])
            let server = try await Server.start(db.url)
            let reference = try #require(try await server.send("POST", "/v1/cases", token: token["amina"], json: Self.opening).body["reference"] as? String)
            let revoked = try await db.succeed(["users", "token", "amina", "--actor", "root"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let revokedID = try #require((try await db.json(["users", "tokens", "amina", "--actor", "root", "--format", "json"])["tokens"] as? [[String: Any]])?.first?["id"] as? String)
            try await db.succeed(["users", "revoke", revokedID, "--actor", "root"])
            try await db.succeed(["users", "disable", "budi", "--reason", "left", "--actor", "root"])

            let cases: [(String, String, String?, Any?, [String: String], Int, String)] = [
                ("GET", "/v1/cases/\(reference)", nil, nil, [:], 401, "send Authorization: Bearer TOKEN"),
                ("GET", "/v1/cases/\(reference)", "rso_" + String(repeating: "A", count: 43), nil, [:], 401, "the token is not one that was issued"),
                ("GET", "/v1/cases/\(reference)", revoked, nil, [:], 401, "was revoked at"),
                ("GET", "/v1/cases/\(reference)", token["budi"], nil, [:], 403, "user budi is disabled since"),
                ("GET", "/v1/cases/AVRR-1999-000001", token["amina"], nil, [:], 404, "AVRR-1999-000001"),
                ("POST", "/v1/cases/\(reference)/transitions/approve", token["amina"], nil, [:], 409, "approve is not allowed from registered"),
                ("POST", "/v1/cases/\(reference)/transitions/start_counselling", token["amina"], nil, ["If-Match": "\"9\""], 409, "not 9"),
                ("POST", "/v1/cases/\(reference)/transitions/start_counselling", token["amina"], nil, ["If-Match": "nine"], 400, "is not a case version"),
                ("POST", "/v1/cases", token["maria"], Self.opening, [:], 403, "maria may not open"),
                ("POST", "/v1/cases", token["amina"], ["workflow": "avrr", "fields": ["full_name": "X", "host_country": "thailand", "category": "other"]], [:], 422, "invalid field"),
                ("POST", "/v1/cases", token["amina"], ["workflow": "avrr", "feilds": [:]], [:], 400, "the body's key feilds is not accepted"),
                ("POST", "/v1/cases", token["amina"], "{\"workflow\": \"avrr\",", [:], 400, "the body is not accepted JSON: a member name was expected"),
                ("POST", "/v1/cases", token["amina"], "[\"avrr\"]", [:], 400, "the body is not a JSON object"),
                // Valid JSON holding what cannot be kept: invalid data, with the parser's reason.
                ("POST", "/v1/cases", token["amina"], "{\"workflow\": \"avrr\", \"fields\": {\"household_size\": 1e300}}", [:], 422,
                 "the body is not accepted JSON: a number that cannot be held exactly (too large, too small or too precise) at character"),
                ("POST", "/v1/cases", token["amina"], "{\"workflow\": \"avrr\", \"fields\": {\"full_name\": \"\\ud800\"}}", [:], 422, "a lone surrogate"),
                ("POST", "/v1/cases", token["amina"], "{\"workflow\": \"" + String(repeating: "x", count: 2 << 20) + "\"}", [:], 413, "the body is larger than"),
                ("POST", "/v1/cases", token["amina"], ["workflow": 7], [:], 400, "the body needs \"workflow\""),
                // Invalid UTF-8 is refused; a byte order mark before the JSON is skipped (the object is then read).
                ("POST", "/v1/cases", token["amina"], Data([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]), [:], 400, "the body is not UTF-8 text"),
                ("POST", "/v1/cases", token["amina"], Data([0xEF, 0xBB, 0xBF] + Array(#"{"workflow": 7}"#.utf8)), [:], 400, "the body needs \"workflow\""),
                // A body labelled as something else is not read as JSON; a JSON type with a suffix or a charset is.
                ("POST", "/v1/cases", token["amina"], "workflow=avrr", ["Content-Type": "application/x-www-form-urlencoded"], 415,
                 "the body is sent as application/x-www-form-urlencoded: send Content-Type application/json with an object of workflow, fields, parent"),
                ("POST", "/v1/cases", token["amina"], ["workflow": 7], ["Content-Type": "application/merge-patch+json; charset=utf-8"], 400, "the body needs \"workflow\""),
                ("GET", "/v1/nowhere", token["amina"], nil, [:], 404, "no route GET /v1/nowhere"),
                ("PUT", "/v1/cases", token["amina"], nil, [:], 405, "PUT is not allowed on /v1/cases; it takes GET, POST"),
                ("DELETE", "/v1/cases/\(reference)", token["amina"], nil, [:], 405, "it takes GET, PATCH"),
                // A reference of 10,000 characters is named by its start only.
                ("GET", "/v1/cases/" + String(repeating: "A", count: 10_000), token["amina"], nil, [:], 404,
                 "no case " + String(repeating: "A", count: 40) + "…: give a case reference"),
            ]
            for (method, path, bearer, body, headers, status, mentions) in cases {
                let answer = try await server.send(method, path, token: bearer, json: body, headers: headers)
                #expect(answer.status == status, "\(method) \(path): \(answer)")
                #expect(answer.headers["content-type"] == "application/problem+json", "\(method) \(path): \(answer.headers)")
                #expect(answer.body["status"] as? Int == status && (answer.body["detail"] as? String)?.contains(mentions) == true,
                        "\(method) \(path): \(answer.body)")
                if status == 401 { #expect(answer.headers["www-authenticate"] == "Bearer") }
                if status == 405 { #expect(answer.headers["allow"] == (mentions.hasSuffix("GET, POST") ? "GET, POST" : "GET, PATCH")) }
            }
            let shown = try await server.send("GET", "/v1/cases/\(reference)", token: token["amina"])
            #expect(shown.body["version"] as? Int == 1 && shown.body["state"] as? String == "registered", "nothing refused was written: \(shown.body)")
            let stopped = await server.stop()
            #expect(stopped.exitCode == 0, "\(stopped)")
        }
    }

    @Test("the served OpenAPI document is valid OpenAPI 3.1 (openapi-spec-validator), and /openapi.json is /openapi.yaml as JSON")
    func theDocumentValidates() async throws {
        try await TestDatabase.with(.sqlite) { db in
            let server = try await Server.start(db.url)
            let yaml = try await server.get("/openapi.yaml")
            let json = try await server.get("/openapi.json")
            _ = await server.stop()
            #expect(yaml.headers["content-type"] == "application/yaml" && json.headers["content-type"] == "application/json")
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rso-openapi-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try Data(yaml.text.utf8).write(to: directory.appendingPathComponent("openapi.yaml"))
            try Data(json.text.utf8).write(to: directory.appendingPathComponent("openapi.json"))
            let script = """
                import json, sys, yaml
                from openapi_spec_validator import validate
                d = sys.argv[1]
                y = yaml.safe_load(open(d + "/openapi.yaml"))
                j = json.load(open(d + "/openapi.json"))
                validate(y); validate(j)
                assert y == j, "the JSON document differs from the YAML one"
                print(len(j["paths"]), "paths")
                """
            let check = try await RsoctlProcess.tool("/usr/bin/env", ["python3", "-c", script, directory.path], timeout: 60)
            #expect(check.exitCode == 0 && check.stdout.hasSuffix("paths\n"), "\(check)")
        }
    }
}
