import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `POST /v1/imports/{workflow}` and `GET /v1/exports/{workflow}`: rsoctl import and export with the CSV file as the
/// body. What they answer is what the CLI prints, byte for byte; what they refuse is refused as the CLI refuses it.
@Suite("HTTP API: import and export as CSV bodies")
struct HTTPTransferTests {
    typealias Server = ServeTests.Server
    static let csv = ["Content-Type": "text/csv"]

    @Test("an imported body opens every row; exports answer with the CLI's CSV, Excel CSV and JSON, byte for byte", arguments: Backend.allCases)
    func importThenExportAsTheCLI(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let token = try await HTTPAPITests.tokens(db, ["amina", "maria"])
            let server = try await Server.start(db.url)
            let imported = try await server.send(
                "POST", "/v1/imports/AVRR?name=june.csv", token: token["amina"], json: TransferCommandTests.file, headers: Self.csv)
            #expect(imported.status == 200, "\(imported)")
            #expect(imported.body["imported"] as? Int == 3 && imported.body["workflow"] as? String == "avrr")
            let blocks = try #require(imported.body["references"] as? [[String: Any]])
            #expect(blocks.map { $0["first"] as? String } == ["AVRR-2013-000001", "AVRR-2014-000001"])
            #expect(blocks.map { $0["count"] as? Int } == [2, 1])
            _ = try await db.advance("AVRR-2013-000001", "start_counselling", ["--at", "2013-06-15T09:00:00Z"])

            let exports: [(query: String, options: [String], type: String, file: String)] = [
                ("", [], "text/csv; charset=utf-8", "avrr.csv"),
                ("?format=excel", ["--excel"], "text/csv; charset=utf-8", "avrr.csv"),
                ("?format=json&asOf=2013-06-12", ["--format", "json", "--as-of", "2013-06-12"], "application/json", "avrr-2013-06-12.json"),
            ]
            for (user, export) in [("amina", exports[0]), ("amina", exports[1]), ("amina", exports[2]), ("maria", exports[0])] {
                let answer = try await server.send("GET", "/v1/exports/avrr\(export.query)", token: token[user])
                #expect(answer.status == 200 && answer.headers["content-type"] == export.type, "\(answer)")
                #expect(answer.headers["content-disposition"] == "attachment; filename=\"\(export.file)\"")
                let printed = try await db.succeed(["export", "avrr", "--actor", user] + export.options).stdout
                #expect(answer.text == printed, "\(user) \(export.query)")
            }
            let redacted = try await server.send("GET", "/v1/exports/avrr?format=json", token: token["maria"])
            #expect(redacted.text.contains("\"full_name\":\"[redacted]\"") && !redacted.text.contains("Doe, Jane"), "\(redacted.text.prefix(400))")
            #expect(await server.stop().exitCode == 0)
        }
    }

    @Test("an import is refused as the CLI refuses it: rows with their problems, a repeat, a manager, JSON; nothing is written",
          arguments: Backend.allCases)
    func refusedImportsWriteNothing(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            let token = try await HTTPAPITests.tokens(db, ["amina", "maria"])
            let uploads = try TemporaryDirectory()
            let server = try await Server.start(db.url, environment: ["TMPDIR": uploads.path])
            let file = "full_name,host_country,category\nGood,THA,other\nBad,THAI,other\n,THA,refugee\n"
            let refused = try await server.send("POST", "/v1/imports/avrr?name=cases.csv", token: token["amina"], json: file, headers: Self.csv)
            #expect(refused.status == 422 && refused.body["detail"] as? String == "cases.csv was refused: 2 problems; nothing was imported", "\(refused)")
            #expect(refused.body["details"] as? [String] == [
                "row 3, column 2 (host_country): 'THAI' is not an ISO 3166-1 alpha-3 country code in upper case, e.g. THA, IDN, AFG",
                "row 4, column 1 (full_name): is required to open an avrr case: give a string value",
            ], "\(refused)")

            let good = "full_name,host_country,category\nGood,THA,other\n"
            let first = try await server.send("POST", "/v1/imports/avrr", token: token["amina"], json: good, headers: Self.csv.merging(["Idempotency-Key": "june-1"]) { $1 })
            #expect(first.status == 200 && first.body["imported"] as? Int == 1, "\(first)")
            let retried = try await server.send("POST", "/v1/imports/avrr", token: token["amina"], json: good, headers: Self.csv.merging(["Idempotency-Key": "june-1"]) { $1 })
            #expect(retried.status == 200 && (retried.body as NSDictionary) == (first.body as NSDictionary), "a retry answers as the first: \(retried)")
            let repeated = try await server.send("POST", "/v1/imports/avrr", token: token["amina"], json: good, headers: Self.csv)
            #expect(repeated.status == 422 && (repeated.body["detail"] as? String)?.hasPrefix("the uploaded file was imported before (the uploaded file by amina at ") == true,
                    "\(repeated)")
            let again = try await server.send("POST", "/v1/imports/avrr?again=true", token: token["amina"], json: good, headers: Self.csv)
            #expect(again.status == 200 && again.body["imported"] as? Int == 1, "\(again)")

            let refusals: [(token: String?, path: String, body: Any, headers: [String: String], status: Int, detail: String)] = [
                (token["maria"], "/v1/imports/avrr?again=true", good, Self.csv, 403, "maria may not import avrr cases: it needs the role caseworker; maria has: manager"),
                (token["amina"], "/v1/imports/avrr", good, ["Content-Type": "application/json"], 415, "the body is sent as application/json: an import's body is CSV: send Content-Type text/csv"),
                (token["amina"], "/v1/imports/nope", good, Self.csv, 404, "no workflow nope; known workflows: avrr, jpa.period, jpa.operation, secondment, crvs"),
                (token["amina"], "/v1/imports/avrr?agian=true", good, Self.csv, 400, "the query parameter agian is not taken here; parameters: again, name"),
                (token["amina"], "/v1/imports/avrr", "", Self.csv, 422, "the uploaded file was refused: 1 problem; nothing was imported"),
                (token["amina"], "/v1/imports/avrr", Data([0x66, 0x75, 0xFF, 0x0A]), Self.csv, 422, "the uploaded file was refused: 1 problem; nothing was imported"),
                (nil, "/v1/imports/avrr", good, Self.csv, 401, "send Authorization: Bearer TOKEN; rsoctl users token NAME issues a token"),
            ]
            for refusal in refusals {
                let answer = try await server.send("POST", refusal.path, token: refusal.token, json: refusal.body, headers: refusal.headers)
                #expect(answer.status == refusal.status && answer.body["detail"] as? String == refusal.detail, "\(refusal.path): \(answer)")
            }
            let cases = try await db.json(["case", "list", "--workflow", "avrr", "--actor", "amina", "--format", "json"])
            #expect((cases["cases"] as? [Any])?.count == 2, "only the first good import and its --again copy were written")
            #expect(try FileManager.default.contentsOfDirectory(atPath: uploads.path).isEmpty, "every uploaded body was removed")
            let log = await server.stop()
            #expect(log.exitCode == 0)
            #expect(!log.stderr.contains("THAI") && !log.stderr.contains("Good,") && !log.stderr.contains("june-1"), "the log holds no value")
        }
    }

    @Test("a body over 256 MiB is 413 and leaves no file behind; an export refused before its first byte is a problem")
    func limitsAndRefusedExports() async throws {
        try await TestDatabase.with(.sqlite) { db in
            try await db.addStandardUsers()
            let token = try await HTTPAPITests.tokens(db, ["amina"])
            let uploads = try TemporaryDirectory()
            let server = try await Server.start(db.url, environment: ["TMPDIR": uploads.path])
            let huge = Data(count: (256 << 20) + 1)
            let tooLarge = try await server.send("POST", "/v1/imports/avrr", token: token["amina"], json: huge, headers: Self.csv)
            #expect(tooLarge.status == 413 && tooLarge.body["detail"] as? String == "the body is larger than 256 MiB: split the file, or import it with rsoctl import",
                    "\(tooLarge.status) \(tooLarge.text.prefix(300))")
            #expect(try FileManager.default.contentsOfDirectory(atPath: uploads.path).isEmpty, "the partial body was removed")

            let refusals: [(query: String, status: Int, detail: String)] = [
                ("nope", 404, "no workflow nope; known workflows: avrr, jpa.period, jpa.operation, secondment, crvs"),
                ("avrr?format=xml", 400, "the query parameter format 'xml' is not accepted: give csv, excel or json"),
                ("avrr?asOf=2013-13-01", 400, "the query parameter asOf '2013-13-01' is not a day: give YYYY-MM-DD, e.g. 2013-06-24"),
                ("avrr?purpose=%20", 422, "--purpose is empty: say why the values are needed, or leave it out"),
            ]
            for refusal in refusals {
                let answer = try await server.send("GET", "/v1/exports/\(refusal.query)", token: token["amina"])
                #expect(answer.status == refusal.status && answer.body["detail"] as? String == refusal.detail, "\(refusal.query): \(answer)")
            }
            #expect(await server.stop().exitCode == 0)
        }
    }
}

/// A directory of its own for a server's temporary files (TMPDIR), removed with its contents when the test is done.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("rso-test-tmp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
