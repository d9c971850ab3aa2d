import AVRR
import Foundation
import JointPeriodOfAction
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine
import WorkflowTestSupport

/// Bulk import and export, end to end on each real store.
@Suite("Bulk import and export on a real store")
struct BulkImportTests {
    static let now = Date(timeIntervalSince1970: 1_782_000_000)  // 2026-06-21

    static func withStaff<T: Sendable>(_ backend: Backend, _ body: @Sendable (Engine, any CaseStore) async throws -> T) async throws -> T {
        try await backend.withFreshStore { (store, _) async throws in
            let registry = try WorkflowRegistry(modules: [AVRRModule(), JointPeriodOfActionModule()])
            let engine = Engine(registry: registry, store: store, sealing: .testing, clock: FixedClock(now))
            _ = try await engine.addUser("root", roles: [.admin], as: nil)
            _ = try await engine.addUser("amina", roles: [.caseworker], as: "root")
            _ = try await engine.addUser("chen", roles: [.approver], as: "root")
            _ = try await engine.addUser("dewi", roles: [.coordinator], as: "root")
            return try await body(engine, store)
        }
    }

    /// Writes `lines` (joined by CRLF) to a temporary file, runs `body` with its path, and removes it.
    static func withFile<T>(_ lines: [String], _ body: (String) async throws -> T) async throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString).csv").path
        try Data((lines.joined(separator: "\r\n") + "\r\n").utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }

    static func refusal(_ attempt: () async throws -> Void) async -> WorkflowError? {
        do { try await attempt() } catch let error as WorkflowError { return error } catch { Issue.record("\(error)") }
        return nil
    }

    static func all(_ engine: Engine, _ workflow: String, asOf: SimpleDate? = nil) async throws -> [ExportedCase] {
        let collected = Collected()
        try await engine.exportCases(workflow, asOf: asOf, as: "amina") { await collected.add($0) }
        return await collected.cases
    }

    static let opening: FieldValues = ["full_name": .string("Existing"), "host_country": .string("THA"), "category": .string("other")]

    @Test(arguments: Backend.allCases)
    func aValidFileOpensEveryRowWithItsReferenceEventAndStage(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { engine, _ in
            let before = try await engine.open("avrr", fields: Self.opening, as: "amina")
            let summary = try await Self.withFile([
                "full_name,host_country,category,vulnerabilities,opened_at",
                "\"Doe, Jane\",THA,irregular_migrant,\"medical,elderly\",",
                "Ali,MYS,refugee,,2013-06-24T09:30:00Z",
                "Nguyễn Thị,IDN,stateless,,",
            ]) { try await engine.importCases("avrr", from: $0, as: "amina") }
            #expect(summary.imported == 3)
            #expect(summary.references.map(\.firstReference) == ["AVRR-2013-000001", "AVRR-2026-000002"])
            #expect(summary.references.map(\.lastReference) == ["AVRR-2013-000001", "AVRR-2026-000003"])
            let jane = try await engine.show(.reference("AVRR-2026-000002"), as: "amina")
            #expect(jane.state == "registered" && jane.version == 1 && jane.createdBy == "amina" && jane.createdAt == Self.now)
            #expect(jane.fields["full_name"] == .string("Doe, Jane"))
            #expect(jane.fields["vulnerabilities"] == .array([.string("medical"), .string("elderly")]))
            let (ali, events) = try await engine.history(.reference("AVRR-2013-000001"), as: "amina")
            #expect(ali.createdAt == Date(iso8601: "2013-06-24T09:30:00Z"))
            #expect(events.count == 1 && events[0].kind == .opened && events[0].actor == "amina" && events[0].role == .caseworker)
            #expect(events[0].to == "registered" && events[0].fields == ali.fields)
            // The stage interval is the opened event's: moving the case closes it and opens the next.
            _ = try await engine.advance(.id(ali.id), "start_counselling", as: "amina")
            let then = try await Self.all(engine, "avrr", asOf: SimpleDate("2013-06-24"))
            #expect(then.map(\.reference) == ["AVRR-2013-000001"] && then.map(\.state) == ["registered"])
            let current = try await Self.all(engine, "avrr")
            #expect(current.count == 4 && current.first { $0.id == ali.id }?.state == "counselling")
            let after = try await engine.open("avrr", fields: Self.opening, as: "amina")
            #expect(before.reference == "AVRR-2026-000001" && after.reference == "AVRR-2026-000004")
            // Every imported case's history is chained as an opened case's is: 5 cases, 6 events, each verified.
            let audit = try await engine.verifyHistory(of: nil, workflow: "avrr", as: "root")
            #expect(audit.broken == nil && audit.cases == 5 && audit.chainedEvents == 6 && audit.unchainedEvents == 0)
        }
    }

    /// Batches of 2,000 rows are checked, sealed and encoded in parts on every core: the parts are joined in file
    /// order, across batches, and each row keeps its own values, reference and chain.
    @Test(arguments: Backend.allCases)
    func aLargeFileIsNumberedInFileOrderAcrossBatchesAndParts(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { engine, _ in
            let rows = 4_500
            let lines = ["full_name,host_country,category"] + (1...rows).map { "Person \($0),THA,other" }
            let summary = try await Self.withFile(lines) { try await engine.importCases("avrr", from: $0, as: "amina") }
            #expect(summary.imported == rows)
            let imported = try await Self.all(engine, "avrr")
            #expect(imported.count == rows)
            var inOrder = 0
            for (index, exported) in imported.sorted(by: { $0.reference < $1.reference }).enumerated()
            where exported.reference == "AVRR-2026-\((index + 1).zeroPadded(6))" && exported.fields["full_name"] == .string("Person \(index + 1)") {
                inOrder += 1
            }
            #expect(inOrder == rows)
            let audit = try await engine.verifyHistory(of: nil, workflow: "avrr", as: "root")
            #expect(audit.broken == nil && audit.chainedEvents == rows)
        }
    }

    @Test(arguments: Backend.allCases)
    func aFileWithProblemsIsRefusedNamingEachRowAndColumnAndWritesNothing(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { engine, _ in
            _ = try await engine.open("avrr", fields: Self.opening, as: "amina")
            let error = try await Self.withFile([
                "full_name,host_country,category,opened_at",
                "Fine,THA,other,",
                "Bad country,Thailand,other,",
                ",IDN,other,",
                "Short row,IDN",
                "Future,IDN,other,2099-01-01",
                "Fine too,IDN,other,",
            ]) { path in await Self.refusal { _ = try await engine.importCases("avrr", from: path, as: "amina") } }
            let refusal = try #require(error)
            #expect(refusal.code == .invalidData)
            #expect(refusal.message.contains("4 problems; nothing was imported"))
            #expect(refusal.details.count == 4)
            #expect(refusal.details[0].hasPrefix("row 3, column 2 (host_country): 'Thailand' is not an ISO 3166-1 alpha-3 country code"))
            #expect(refusal.details[1].hasPrefix("row 4, column 1 (full_name): is required"))
            #expect(refusal.details[2] == "row 5: 2 values, but the header has 4 columns")
            #expect(refusal.details[3].hasPrefix("row 6, column 4 (opened_at): '2099-01-01' is in the future"))
            #expect(try await Self.all(engine, "avrr").count == 1)
            let next = try await engine.open("avrr", fields: Self.opening, as: "amina")
            #expect(next.reference == "AVRR-2026-000002")
        }
    }

    @Test(arguments: Backend.allCases)
    func aHeaderWithUnknownOrMissingColumnsIsRefused(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { engine, _ in
            let error = try await Self.withFile(["full_name,colour,host_country,host_country", "A,red,THA,THA"]) { path in
                await Self.refusal { _ = try await engine.importCases("avrr", from: path, as: "amina") }
            }
            let details = try #require(error?.details)
            #expect(details.count == 3)
            #expect(details.contains { $0.hasPrefix("row 1, column 2 (colour): colour is not a field of avrr") })
            #expect(details.contains { $0 == "row 1, column 4 (host_country): the column appears twice (also column 3)" })
            #expect(details.contains { $0.hasPrefix("row 1: no category column") })
        }
    }

    @Test(arguments: Backend.allCases)
    func onlyAUserWhoMayOpenCasesMayImportThem(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { engine, _ in
            let error = try await Self.withFile(["full_name,host_country,category", "A,THA,other"]) { path in
                await Self.refusal { _ = try await engine.importCases("avrr", from: path, as: "chen") }
            }
            #expect(error?.code == .forbidden)
            #expect(await Self.refusal { _ = try await engine.importCases("nope", from: "/dev/null", as: "amina") }?.code == .notFound)
            #expect(try await Self.all(engine, "avrr").isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func aUniqueValueRepeatedInTheFileIsRefused(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { engine, _ in
            let error = try await Self.withFile(["name,starts_on", "JPA 7,2026-01-01", "JPA 8,", " jpa 7 ,"]) { path in
                await Self.refusal { _ = try await engine.importCases("jpa.period", from: path, as: "dewi") }
            }
            #expect(error?.details == ["row 4, column 1 (name): 'jpa 7' is the same as row 2's: jpa.period allows one case per name"])
            #expect(try await Self.all(engine, "jpa.period").isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func aUniqueValueAnotherCaseHoldsIsRefused(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { engine, _ in
            let existing = try await engine.open("jpa.period", fields: ["name": .string("JPA 3")], as: "dewi")
            let error = try await Self.withFile(["name", "JPA 4", "JPA 3"]) { path in
                await Self.refusal { _ = try await engine.importCases("jpa.period", from: path, as: "dewi") }
            }
            #expect(error?.details == ["row 3, column 1 (name): 'jpa 3' is already used by \(existing.reference): jpa.period allows one case per name"])
            #expect(try await Self.all(engine, "jpa.period").map(\.reference) == [existing.reference])
        }
    }

    @Test(arguments: Backend.allCases)
    func operationsAreImportedUnderTheParentTheirRowNames(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { engine, _ in
            let period = try await engine.open("jpa.period", fields: ["name": .string("JPA 3")], as: "dewi")
            let missing = try await Self.withFile(["name,lead_country", "Op A,IDN"]) { path in
                await Self.refusal { _ = try await engine.importCases("jpa.operation", from: path, as: "dewi") }
            }
            #expect(missing?.details.first?.hasPrefix("row 1: no parent column") == true)
            let unknown = try await Self.withFile(["name,lead_country,parent", "Op A,IDN,JPA-1999-000001", "Op B,IDN,"]) { path in
                await Self.refusal { _ = try await engine.importCases("jpa.operation", from: path, as: "dewi") }
            }
            #expect(unknown?.details.first?.hasPrefix("row 2, column 3 (parent): no case JPA-1999-000001") == true)
            #expect(unknown?.details.last?.hasPrefix("row 3, column 3 (parent): no parent given") == true)
            let summary = try await Self.withFile(["name,lead_country,parent", "Op A,IDN,\(period.reference)", "Op B,THA,\(period.reference)"]) {
                try await engine.importCases("jpa.operation", from: $0, as: "dewi")
            }
            #expect(summary.imported == 2)
            let children = try await engine.list(CaseQuery(parentID: period.id), as: "dewi")
            #expect(children.count == 2)
            let exported = try await Self.all(engine, "jpa.operation")
            #expect(exported.map(\.parentReference) == [period.reference, period.reference])
        }
    }

    @Test(arguments: Backend.allCases)
    func exportGivesEachCaseItsStateAsOfADayAndLeavesOutLaterCases(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { engine, _ in
            _ = try await Self.withFile([
                "full_name,host_country,category,opened_at",
                "Early,THA,other,2026-01-10T08:00:00Z",
                "Late,THA,other,2026-03-01T08:00:00Z",
            ]) { try await engine.importCases("avrr", from: $0, as: "amina") }
            _ = try await engine.advance(.reference("AVRR-2026-000001"), "start_counselling", as: "amina",
                                         at: Date(iso8601: "2026-02-01T23:59:00Z"))
            func states(_ day: String?) async throws -> [String] {
                try await Self.all(engine, "avrr", asOf: day.flatMap(SimpleDate.init)).map { "\($0.fields["full_name"]?.plainText ?? "") \($0.state)" }
            }
            #expect(try await states("2026-01-09") == [])
            #expect(try await states("2026-01-31") == ["Early registered"])
            #expect(try await states("2026-02-01") == ["Early counselling"])
            #expect(try await states("2026-03-01") == ["Early counselling", "Late registered"])
            #expect(try await states(nil) == ["Early counselling", "Late registered"])
        }
    }

    @Test(arguments: Backend.allCases)
    func aStoreImportThatFailsPartWayWritesNothing(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let plan = BulkImportPlan(workflow: "avrr", referencePrefix: "AVRR", casesPerYear: [2013: 2])
            let batches = Batches([[Sample.newCase(), Sample.newCase()], [Sample.newCase()]])
            await #expect(throws: WorkflowError.self) { _ = try await store.importCases(plan, next: { try await batches.next() }) }
            let collected = Collected()
            try await store.exportCases(workflow: "avrr", asOf: nil) { await collected.add($0) }
            #expect(await collected.cases.isEmpty)
            let inserted = try await store.insert(Sample.newCase())
            #expect(inserted.reference == "AVRR-2013-000001")
        }
    }
}

extension BulkImportTests {
    /// A batch the engine cannot produce (the file changed, a row no longer checks) ends the import with that error,
    /// after the store asked for no more than the batches it may prepare ahead, and nothing is written.
    @Test(arguments: Backend.allCases)
    func aBatchThatCannotBeProducedEndsTheImportWithItsErrorAndWritesNothing(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let plan = BulkImportPlan(workflow: "avrr", referencePrefix: "AVRR", casesPerYear: [2013: 4])
            let batches = Batches([[Sample.newCase(), Sample.newCase()]], thenThrow: WorkflowError(.invalidData, "the file changed"))
            let error = await #expect(throws: WorkflowError.self) { _ = try await store.importCases(plan, next: { try await batches.next() }) }
            #expect(error?.message == "the file changed")
            #expect(await batches.asked == 2)
            let collected = Collected()
            try await store.exportCases(workflow: "avrr", asOf: nil) { await collected.add($0) }
            #expect(await collected.cases.isEmpty)
        }
    }

    /// A batch the database refuses (here, a case id used twice) ends the import: the batches prepared ahead of it are
    /// never written, the engine is asked for no more, and nothing is written.
    @Test(arguments: Backend.allCases)
    func aBatchTheDatabaseRefusesStopsThePreparingOfMoreAndWritesNothing(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, _) async throws in
            let twice = Sample.newCase()
            var batches = [[twice], [twice]]
            for _ in 0..<20 { batches.append([Sample.newCase()]) }
            let plan = BulkImportPlan(workflow: "avrr", referencePrefix: "AVRR", casesPerYear: [2013: batches.count])
            let supply = Batches(batches)
            await #expect(throws: (any Error).self) { _ = try await store.importCases(plan, next: { try await supply.next() }) }
            // The second batch fails; at most a few more were prepared meanwhile, far from all 22.
            #expect(await supply.asked <= 2 + PostgresStore.batchesAhead)
            let collected = Collected()
            try await store.exportCases(workflow: "avrr", asOf: nil) { await collected.add($0) }
            #expect(await collected.cases.isEmpty)
        }
    }
}

/// The COPY text format, and the JSON the bulk paths write, without a database.
@Suite("Bulk encodings")
struct BulkEncodingTests {
    @Test func copyTextEscapesValuesAndWritesTimesAsPostgreSQLReadsThem() {
        var text = CopyText(capacity: 64)
        text.row {
            $0.time(Date(timeIntervalSince1970: 1_371_000_000.25)); $0.time(Date(timeIntervalSince1970: -1))
            $0.text("a\tb\\c\r\nd"); $0.text(nil); $0.int(-42); $0.uuid(nil)
        }
        text.row { $0.time(Date(timeIntervalSince1970: 253_402_300_799.5)) }
        #expect(text.rows == 2)
        #expect(text.written == "2013-06-12 01:20:00.250000+00\t1969-12-31 23:59:59.000000+00\ta\\tb\\\\c\\r\\nd\t\\N\t-42\t\\N\n"
                + "9999-12-31 23:59:59.500000+00\n")
    }

    /// `JSONCoding` writes JSON values with `BulkJSON`: the document Foundation's encoder writes (the reference here).
    @Test func bulkJSONWritesWhatJSONEncoderWrites() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let plain: FieldValues = [
            "name": .string("Doe, \"Jane\" / \\ ☃ Nguyễn"), "count": .int(-3), "grant": .decimal(Decimal(string: "1500.25")!),
            "fit": .bool(true), "list": .array([.string("a"), .string("b")]), "doc": .object(["x": .null, "a": .int(1)]),
        ]
        #expect(BulkJSON.string(plain) == String(decoding: try encoder.encode(plain), as: UTF8.self))
        #expect(JSONCoding.string(plain) == BulkJSON.string(plain))
        let control: FieldValues = ["note": .string("a\nb\tc\u{1}\u{1F}\r")]
        #expect(try JSONCoding.fields(from: BulkJSON.string(control)) == control)
    }
}

/// Cases gathered from an export.
actor Collected {
    private(set) var cases: [ExportedCase] = []
    func add(_ exported: ExportedCase) { cases.append(exported) }
}

/// Hands out prepared batches, then nil (or `failure`), counting how often it was asked.
actor Batches {
    private var remaining: [[NewCase]]
    private let failure: WorkflowError?
    private(set) var asked = 0
    init(_ batches: [[NewCase]], thenThrow failure: WorkflowError? = nil) {
        remaining = batches
        self.failure = failure
    }
    func next() throws -> [NewCase]? {
        asked += 1
        if remaining.isEmpty, let failure { throw failure }
        return remaining.isEmpty ? nil : remaining.removeFirst()
    }
}
