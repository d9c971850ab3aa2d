import Foundation
import Logging
import PostgresNIO
import SQLiteNIO
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine

/// The backends every conformance test runs against.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// A fresh, migrated store of its own for one test (its own SQLite file or PostgreSQL database).
    func withFreshStore<T: Sendable>(_ body: @Sendable (any CaseStore, RawSQL) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("rso-test-\(UUID().uuidString).sqlite").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            return try await SQLiteStore.withStore(path: path) { store in
                try await body(store, RawSQL.sqlite(store))
            }
        case .postgres:
            let admin = try TestPostgres.adminLocation()
            let name = "rso_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
            try await TestPostgres.execute("CREATE DATABASE \(name)", on: admin)
            let location = admin.with(database: name)
            do {
                let result = try await PostgresStore.withStore(location, maximumConnections: 24) { store in
                    _ = try await store.migrate()
                    return try await body(store, RawSQL.postgres(location))
                }
                try? await TestPostgres.execute("DROP DATABASE \(name) WITH (FORCE)", on: admin)
                return result
            } catch {
                try? await TestPostgres.execute("DROP DATABASE \(name) WITH (FORCE)", on: admin)
                throw error
            }
        }
    }
}

/// Raw SQL straight to the test database, bypassing the store, to check what the database itself enforces.
enum RawSQL: Sendable {
    case sqlite(SQLiteStore)
    case postgres(PostgresLocation)

    func execute(_ sql: String) async throws {
        switch self {
        case .sqlite(let store): _ = try await store.connection.query(sql)
        case .postgres(let location): try await TestPostgres.execute(sql, on: location)
        }
    }
}

enum TestPostgres {
    /// The throwaway server `scripts/test` starts. Missing means the suite was not run as documented: fail, never skip.
    static func adminLocation() throws -> PostgresLocation {
        guard let url = ProcessInfo.processInfo.environment["RSO_TEST_POSTGRES_URL"], !url.isEmpty else {
            Issue.record("RSO_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts a throwaway PostgreSQL")
            throw WorkflowError(.unavailable, "no test PostgreSQL")
        }
        return try PostgresLocation(url: url)
    }

    /// Runs one statement on a connection of its own. A failure says what the server or the socket said: this is the
    /// test's throwaway server, holding no personal data, and "PSQLError" alone cannot be diagnosed from a CI log.
    static func execute(_ sql: String, on location: PostgresLocation) async throws {
        try await onOwnConnection(sql, at: location) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "rso.test"))
        }
    }

    /// The integer the one-row, one-column `sql` answers, on a connection of its own.
    static func integer(_ sql: String, on location: PostgresLocation) async throws -> Int {
        try await onOwnConnection(sql, at: location) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "rso.test")).decode(Int.self).all()[0]
        }
    }

    private static func onOwnConnection<Answer: Sendable>(
        _ sql: String, at location: PostgresLocation, _ body: (PostgresConnection) async throws -> Answer
    ) async throws -> Answer {
        // Not the store's session settings: a fixture's CREATE DATABASE must not fail on the 5 s lock_timeout meant
        // for a caseworker's write while two cores are busy with every other test.
        var configuration = location.connectionConfiguration
        configuration.options.additionalStartupParameters = []
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: Logger(label: "rso.test"))
        } catch {
            throw TestSQLError(sql: sql, stage: "connecting", error: error)
        }
        do {
            let answer = try await body(connection)
            try await connection.close()
            return answer
        } catch {
            try? await connection.close()
            throw TestSQLError(sql: sql, stage: "running", error: error)
        }
    }
}

/// A statement a test ran straight on PostgreSQL failed: the statement and the driver's full account of why.
struct TestSQLError: Error, CustomStringConvertible {
    let sql: String
    let stage: String
    let error: any Error

    var description: String { "\(stage) `\(sql.prefix(200))`: \(String(reflecting: error))" }
}

/// Builders for records the tests write.
enum Sample {
    static let t0 = Date(timeIntervalSince1970: 1_371_000_000)  // 2013-06-12

    static func user(_ name: String, _ roles: [Role]) -> User {
        User(name: name, roles: roles, createdAt: t0, createdBy: nil)
    }

    static func newCase(year: Int = 2013, at: Date = t0, key: String? = nil, fields: FieldValues = ["host_country": .string("THA")]) -> NewCase {
        let id = UUID()
        let record = CaseRecord(
            id: id, reference: "", workflow: "avrr", definitionVersion: 1, state: "registered", previousState: nil,
            stateEnteredAt: at, version: 1, fields: fields, parentID: nil, assignee: nil,
            dueAt: nil, createdBy: "amina", createdAt: at, updatedBy: "amina", updatedAt: at)
        let event = EventRecord(caseID: id, caseVersion: 1, kind: .opened, to: "registered", actor: "amina",
                                role: .caseworker, reason: nil, fields: fields, at: at, idempotencyKey: key, requestHash: key.map { _ in "h" })
        return NewCase(record: record, event: event, referencePrefix: "AVRR", referenceYear: year)
    }

    static func change(_ record: CaseRecord, to state: String, transition: String, by actor: String = "amina",
                       fields: FieldValues = [:], at: Date? = nil, expectedVersion: Int? = nil, key: String? = nil) -> CaseChange {
        var next = record
        let when = at ?? record.updatedAt.addingTimeInterval(3600)
        next.state = state
        next.previousState = record.state
        next.version = record.version + 1
        next.updatedAt = when
        next.updatedBy = actor
        for (name, value) in fields { next.fields[name] = value == .null ? nil : value }
        let event = EventRecord(caseID: record.id, caseVersion: next.version, kind: .transition, transition: transition,
                                from: record.state, to: state, actor: actor, role: .caseworker, reason: nil,
                                fields: fields, at: when, idempotencyKey: key, requestHash: key.map { _ in "h" })
        return CaseChange(record: next, expectedVersion: expectedVersion ?? record.version, event: event)
    }
}
