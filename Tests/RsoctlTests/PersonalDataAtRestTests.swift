import Foundation
import Testing

/// Personal values are stored sealed under a key of each case's own, wrapped by the master key: a copy of the database
/// holds no name, date of birth or document number in clear. `case erase` deletes the case's key, so its personal
/// values are gone from the case and from every history event, while states, counts and the history chain stay.
@Suite("rsoctl: personal data at rest, and erasure")
struct PersonalDataAtRestTests {
    static let name = "Nur Rahman", birth = "1990-02-03", document = "X1234567"

    /// Every byte of the database as a copy of it would hold them: `pg_dump`'s output, or the SQLite file and its
    /// write-ahead log.
    static func copy(of db: TestDatabase) async throws -> String {
        switch db.backend {
        case .sqlite:
            let path = String(db.url.dropFirst("sqlite:".count))
            return ["", "-wal"].compactMap { FileManager.default.contents(atPath: path + $0) }
                .map { String(decoding: $0, as: UTF8.self) }.joined()
        case .postgres:
            let dump = try await RsoctlProcess.tool("/usr/bin/pg_dump", ["--data-only", db.url], timeout: 60)
            try #require(dump.exitCode == 0, "\(dump)")
            return dump.stdout
        }
    }

    /// Passes `copy` if none of the case's personal values is in it, in any spelling a search would try.
    static func holdsNoPersonalValue(_ copy: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for value in [name, "Rahman", "1990-02-03", document] {
            #expect(!copy.contains(value), "\(value) is in the copy of the database", sourceLocation: sourceLocation)
        }
    }

    @Test("a name, date of birth and document number entered through rsoctl, opened, updated or imported, are in no copy of the database, and read back",
          arguments: Backend.allCases)
    func noPersonalValueInClear(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let reference = try await RedactionTests.protectedCase(db)
            try await db.succeed(["case", "update", reference, "--field", "date_of_birth=\(Self.birth)", "--actor", "amina"])
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("rso-sealed-\(UUID().uuidString).csv").path
            try Data("full_name,host_country,category,travel_document_number\nAyu Rahman,THA,other,Y7654321\n".utf8)
                .write(to: URL(fileURLWithPath: file))
            defer { try? FileManager.default.removeItem(atPath: file) }
            try await db.succeed(["import", "avrr", file, "--actor", "amina"])

            let copy = try await Self.copy(of: db)
            Self.holdsNoPersonalValue(copy)
            #expect(!copy.contains("Ayu") && !copy.contains("Y7654321"), "the imported case's values are in the copy")
            #expect(copy.contains("irregular_migrant"), "sensitive values stay in clear, for metrics to count by")

            let fields = RedactionTests.fields(try await db.show(reference))
            #expect(fields["full_name"] as? String == Self.name && fields["date_of_birth"] as? String == Self.birth
                        && fields["travel_document_number"] as? String == Self.document, "\(fields)")
            let events = try await db.events(reference)
            #expect(RedactionTests.fields(events[0])["full_name"] as? String == Self.name, "\(events)")
            let exported = try #require(try await db.json(["export", "avrr", "--actor", "dora", "--format", "json"])["cases"] as? [[String: Any]])
            #expect(exported.compactMap { RedactionTests.fields($0)["full_name"] as? String }.sorted() == ["Ayu Rahman", Self.name])
        }
    }

    @Test("case list --field finds a case by a personal value's exact text, whatever its case and spacing, through the blind index; a near miss finds nothing",
          arguments: Backend.allCases)
    func findsByBlindIndex(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let reference = try await RedactionTests.protectedCase(db)
            _ = try await db.openCase()  // Test Person
            func found(_ filter: String) async throws -> [String] {
                let listed = try await db.json(["case", "list", "--workflow", "avrr", "--field", filter, "--actor", "amina", "--format", "json"])
                return (listed["cases"] as? [[String: Any]] ?? []).compactMap { $0["reference"] as? String }
            }
            #expect(try await found("full_name=Nur Rahman") == [reference])
            #expect(try await found("full_name=  nur   RAHMAN ") == [reference])
            #expect(try await found("date_of_birth=1990-02-03") == [reference])
            #expect(try await found("travel_document_number=X1234567") == [reference])
            #expect(try await found("full_name=Nur Rahma") == [])
            #expect(try await found("full_name=Rahman") == [])
            #expect(try await found("date_of_birth=1990-02-04") == [])
            #expect(try await found("full_name=").isEmpty, "every case has a name")
        }
    }

    @Test("case erase: only data_protection (69), with a reason (64); the personal values read [erased] in the case and its history, the rest stays, metrics and the chain hold, a second erase is 67",
          arguments: Backend.allCases)
    func erasure(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            let reference = try await RedactionTests.protectedCase(db)
            try await db.advance(reference, "start_counselling")
            let stagesBefore = try await db.json(["metrics", "stages", "avrr", "--actor", "maria", "--format", "json"])

            let byCaseworker = try await db.rsoctl(["case", "erase", reference, "--reason", "request", "--actor", "amina"])
            #expect(byCaseworker.exitCode == 69 && byCaseworker.stderr.contains("data_protection"), "\(byCaseworker)")
            let noReason = try await db.rsoctl(["case", "erase", reference, "--actor", "dora"])
            #expect(noReason.exitCode == 64 && noReason.stderr.contains("--reason"), "\(noReason)")
            #expect(RedactionTests.fields(try await db.show(reference))["full_name"] as? String == Self.name, "a refusal erased nothing")

            let erased = try await db.json(["case", "erase", reference, "--reason", "data subject's request", "--actor", "dora", "--format", "json"])
            #expect(erased["version"] as? Int == 3, "\(erased)")
            let fields = RedactionTests.fields(try await db.show(reference))
            for name in RedactionTests.personal { #expect(fields[name] as? String == "[erased]", "\(name): \(fields)") }
            #expect(fields["category"] as? String == "irregular_migrant" && fields["host_country"] as? String == "THA", "\(fields)")

            let events = try await db.events(reference)
            #expect(events.map { $0["kind"] as? String } == ["opened", "transition", "erasure"], "\(events)")
            #expect(RedactionTests.fields(events[0])["full_name"] as? String == "[erased]", "the opened event's name can no longer be read")
            #expect(events[2]["actor"] as? String == "dora" && events[2]["reason"] as? String == "data subject's request", "\(events[2])")
            Self.holdsNoPersonalValue(try await Self.copy(of: db))

            let stagesAfter = try await db.json(["metrics", "stages", "avrr", "--actor", "maria", "--format", "json"])
            #expect(NSDictionary(dictionary: stagesAfter).isEqual(to: stagesBefore), "metrics changed: \(stagesBefore) → \(stagesAfter)")
            let verified = try await db.json(["audit", "verify", reference, "--actor", "root", "--format", "json"])
            #expect(verified["holds"] as? Bool == true, "\(verified)")

            let again = try await db.rsoctl(["case", "erase", reference, "--reason", "again", "--actor", "dora"])
            #expect(again.exitCode == 67 && again.stderr.contains("no personal data to erase"), "\(again)")
            // The case goes on without the person's name.
            try await db.advance(reference, "hold", ["--reason", "awaiting contact"])
        }
    }

    @Test("an SQLite database makes its key beside it (mode 600) and says so once; another key file is 78 naming both keys, and nothing is shown")
    func keyFiles() async throws {
        try await TestDatabase.with(.sqlite) { db in
            let path = String(db.url.dropFirst("sqlite:".count)) + ".key"
            defer { try? FileManager.default.removeItem(atPath: path) }
            let first = try await db.rsoctl(["users", "add", "root", "--role", "admin"])
            #expect(first.exitCode == 0 && first.stderr.contains("made the master key \(path)"), "\(first)")
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            try await db.succeed(["users", "add", "amina", "--role", "caseworker", "--actor", "root"])
            let reference = try #require(try await db.json(["case", "open", "avrr", "--field", "full_name=Nur Rahman", "--field", "host_country=THA",
                                                            "--field", "category=other", "--actor", "amina", "--format", "json"])["reference"] as? String)
            let again = try await db.succeed(["case", "show", reference, "--actor", "amina"])
            #expect(!again.stderr.contains("made the master key"), "\(again)")

            let other = FileManager.default.temporaryDirectory.appendingPathComponent("rso-other-\(UUID().uuidString).key").path
            defer { try? FileManager.default.removeItem(atPath: other) }
            FileManager.default.createFile(atPath: other, contents: Data((Data(repeating: 1, count: 32).base64EncodedString() + "\n").utf8),
                                           attributes: [.posixPermissions: 0o600])
            let wrong = try await RsoctlProcess.Running(
                executable: try RsoctlProcess.binary(), arguments: ["case", "show", reference, "--actor", "amina"],
                environment: RsoctlProcess.withoutDefaults(ProcessInfo.processInfo.environment).merging(
                    ["RSO_DATABASE_URL": db.url, "RSO_MASTER_KEY_FILE": other]) { $1 },
                timeout: RsoctlProcess.defaultTimeout).result()
            #expect(wrong.exitCode == 78 && wrong.stderr.contains("was sealed with master key") && wrong.stdout.isEmpty, "\(wrong)")
            #expect(!wrong.stderr.contains("Nur"), "\(wrong)")
            // A key file others may read would open every case: refused.
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
            let open = try await db.rsoctl(["case", "show", reference, "--actor", "amina"])
            #expect(open.exitCode == 78 && open.stderr.contains("chmod 600"), "\(open)")
        }
    }

    @Test("PostgreSQL without RSO_MASTER_KEY_FILE: a case with personal data is 78 saying how to set it; metrics still answer")
    func postgresNeedsTheKey() async throws {
        try await TestDatabase.with(.postgres) { db in
            let reference = try await RedactionTests.protectedCase(db)
            var environment = RsoctlProcess.withoutDefaults(ProcessInfo.processInfo.environment)
            environment["RSO_DATABASE_URL"] = db.url
            environment["RSO_MASTER_KEY_FILE"] = ""
            func run(_ arguments: [String]) async throws -> ProcessResult {
                try await RsoctlProcess.Running(executable: try RsoctlProcess.binary(), arguments: arguments, environment: environment,
                                                timeout: RsoctlProcess.defaultTimeout).result()
            }
            let show = try await run(["case", "show", reference, "--actor", "amina"])
            #expect(show.exitCode == 78 && show.stderr.contains("RSO_MASTER_KEY_FILE") && show.stdout.isEmpty, "\(show)")
            let open = try await run(["case", "open", "avrr", "--field", "full_name=Ayu", "--field", "host_country=THA",
                                      "--field", "category=other", "--actor", "amina"])
            #expect(open.exitCode == 78, "\(open)")
            let metrics = try await run(["metrics", "stages", "avrr", "--actor", "maria"])
            #expect(metrics.exitCode == 0, "\(metrics)")
        }
    }

    @Test("retention run erases, as system, the personal data of cases final for longer than their workflow keeps it, once even with two runs at once; --dry-run writes nothing",
          arguments: Backend.allCases)
    func retention(_ backend: Backend) async throws {
        try await TestDatabase.with(backend) { db in
            try await db.addStandardUsers()
            func open(_ name: String) async throws -> String {
                try #require(try await db.json(["case", "open", "avrr", "--field", "full_name=\(name)", "--field", "host_country=THA",
                                                "--field", "category=other", "--at", "2019-01-01T00:00:00Z", "--actor", "amina",
                                                "--format", "json"])["reference"] as? String)
            }
            let old = try await open("Old Withdrawn"), recent = try await open("Recent Withdrawn"), active = try await open("Still Open")
            try await db.advance(old, "withdraw", ["--reason", "changed mind", "--at", "2019-02-01T00:00:00Z"])
            try await db.advance(recent, "withdraw", ["--reason", "changed mind", "--at", "2023-01-01T00:00:00Z"])
            // AVRR keeps personal data 1825 days after a final state: on 2024-03-01 only the case withdrawn in 2019 is due.
            let now = "2024-03-01T00:00:00Z"

            let dry = try await db.json(["retention", "run", "--now", now, "--dry-run", "--format", "json"])
            #expect((dry["erased"] as? [[String: Any]])?.compactMap { $0["reference"] as? String } == [old], "\(dry)")
            #expect(RedactionTests.fields(try await db.show(old))["full_name"] as? String == "Old Withdrawn", "a dry run erased")

            let runs = try [0, 1].map { _ in try ChildProcess.rsoctl(["retention", "run", "--now", now, "--format", "json"], databaseURL: db.url) }
            var erased: [String] = []
            for run in runs {
                let outcome = await run.finish(timeout: 60)
                #expect(outcome.exitCode == 0, "\(outcome)")
                erased += (try JSON.object(outcome.stdout)["erased"] as? [[String: Any]] ?? []).compactMap { $0["reference"] as? String }
            }
            #expect(erased == [old], "each due case is erased by exactly one run: \(erased)")
            let events = try await db.events(old)
            #expect(events.filter { $0["kind"] as? String == "erasure" }.count == 1, "\(events)")
            #expect(events.last?["actor"] as? String == "system" && (events.last?["reason"] as? String)?.contains("1825 days after withdrawn") == true,
                    "\(String(describing: events.last))")
            #expect(RedactionTests.fields(try await db.show(old))["full_name"] as? String == "[erased]")
            #expect(RedactionTests.fields(try await db.show(recent))["full_name"] as? String == "Recent Withdrawn")
            #expect(RedactionTests.fields(try await db.show(active))["full_name"] as? String == "Still Open")

            // A shorter period for this run reaches the case withdrawn in 2023; a case still open is never due.
            let shorter = try await db.json(["retention", "run", "--now", now, "--keep-days", "avrr=365", "--format", "json"])
            #expect((shorter["erased"] as? [[String: Any]])?.compactMap { $0["reference"] as? String } == [recent], "\(shorter)")
            let bad = try await db.rsoctl(["retention", "run", "--keep-days", "avrr=soon"])
            #expect(bad.exitCode == 64 && bad.stderr.contains("WORKFLOW=DAYS"), "\(bad)")
        }
    }
}
