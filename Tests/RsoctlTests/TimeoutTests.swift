import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Nothing waits for ever, and a write that did not return success never lands later: a row lock held elsewhere, a
/// signal, a read-only server, a closed port, a silent one.
@Suite("rsoctl: timeouts, signals and unreachable servers")
struct TimeoutTests {
    /// Another session holding the lock on a case's row (psql in a transaction, asleep), until `release`.
    struct LockHolder {
        let url: String
        let name: String
        let child: ChildProcess

        static func hold(_ db: TestDatabase, reference: String) async throws -> LockHolder {
            try await hold(db, "SELECT 1 FROM cases WHERE reference = '\(reference)' FOR UPDATE", seconds: 60)
        }

        /// Runs `lockingSQL` in a transaction that then sleeps for `seconds`, holding what it locked.
        static func hold(_ db: TestDatabase, _ lockingSQL: String, seconds: Int) async throws -> LockHolder {
            let name = "rso_lock_holder_\(UUID().uuidString.prefix(8).lowercased())"
            let child = try ChildProcess.tool(TestDatabase.psql, [
                "-X", "-q", "-v", "ON_ERROR_STOP=1", ChildProcess.adding("application_name=\(name)", to: db.url), "-c",
                "BEGIN; \(lockingSQL); SELECT pg_sleep(\(seconds)); COMMIT;",
            ])
            let holder = LockHolder(url: db.url, name: name, child: child)
            let sleeping = try await ChildProcess.eventually(within: 15) {
                try await ChildProcess.psqlValue(db.url, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(name)' AND wait_event = 'PgSleep'") == "1"
            }
            try #require(sleeping, "the lock holder never got its lock")
            return holder
        }

        /// Ends the holding session: its transaction is rolled back and the lock released.
        func release() async throws {
            _ = try await ChildProcess.psqlValue(url, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '\(name)'")
            _ = await child.finish(timeout: 10)
        }
    }

    /// Sessions of this database waiting for a lock.
    static func waitingForLock(_ db: TestDatabase) async throws -> Int {
        Int(try await ChildProcess.psqlValue(db.url, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")) ?? -1
    }

    static func withCase(_ body: (TestDatabase, String) async throws -> Void) async throws {
        try await TestDatabase.with(.postgres) { db in
            try await db.addStandardUsers()
            try await body(db, try await db.openCase())
        }
    }

    static func advance(_ reference: String) -> [String] { ["case", "advance", reference, "start_counselling", "--actor", "amina"] }

    @Test("a write blocked by a row lock gives up after lock_timeout with 75, and never lands later")
    func lockTimeout() async throws {
        try await Self.withCase { db, reference in
            let before = try await db.rawHistory(reference)
            let holder = try await LockHolder.hold(db, reference: reference)
            let child = try ChildProcess.rsoctl(Self.advance(reference), databaseURL: ChildProcess.adding("lock_timeout=1", to: db.url))
            let outcome = await child.finish(timeout: 30)
            try await holder.release()

            #expect(outcome.exitCode == 75, "\(outcome)")
            #expect(outcome.seconds < 10, "\(outcome)")
            #expect(outcome.stderr.contains("SQLSTATE 55P03") && outcome.stderr.contains("lock timeout"), "\(outcome)")
            #expect(outcome.stderr.contains("retry"), "\(outcome)")
            #expect(outcome.stdout.isEmpty)
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await db.rawHistory(reference) == before, "the refused write landed after the lock was released")
        }
    }

    @Test("SIGTERM while blocked ends rsoctl at once, the server rolls the statement back, nothing lands later")
    func sigterm() async throws {
        try await Self.withCase { db, reference in
            let before = try await db.rawHistory(reference)
            let holder = try await LockHolder.hold(db, reference: reference)
            let child = try ChildProcess.rsoctl(Self.advance(reference), databaseURL: ChildProcess.adding("lock_timeout=60", to: db.url))
            let blocked = try await ChildProcess.eventually(within: 20) { try await Self.waitingForLock(db) == 1 }
            #expect(blocked, "rsoctl never waited for the lock")
            // The operator sees who waits: rsoctl's sessions carry its name.
            #expect(try await ChildProcess.psqlValue(db.url, "SELECT string_agg(application_name, ',') FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == "rsoctl")
            child.terminate()
            // Seen once to take over 10 s on a machine busy with the whole suite: the bound catches a lost signal only.
            let outcome = await child.finish(timeout: 40)
            #expect(outcome.exitCode == 143 && !outcome.killedByTest, "\(outcome)")
            #expect(outcome.stderr.contains("SIGTERM"), "\(outcome)")
            // The server notices the client is gone and stops waiting, before the lock is released.
            let gone = try await ChildProcess.eventually(within: 10) { try await Self.waitingForLock(db) == 0 }
            #expect(gone, "the server still runs the interrupted statement")
            try await holder.release()
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await db.rawHistory(reference) == before, "the interrupted write landed after the lock was released")
        }
    }

    @Test("the whole command has a deadline (RSO_COMMAND_TIMEOUT): 75, and nothing lands later")
    func commandDeadline() async throws {
        try await Self.withCase { db, reference in
            let before = try await db.rawHistory(reference)
            let holder = try await LockHolder.hold(db, reference: reference)
            let url = ChildProcess.adding("statement_timeout=0", to: ChildProcess.adding("lock_timeout=0", to: db.url))
            let child = try ChildProcess.rsoctl(Self.advance(reference), databaseURL: url, environment: ["RSO_COMMAND_TIMEOUT": "2"])
            let outcome = await child.finish(timeout: 30)
            #expect(outcome.exitCode == 75 && outcome.seconds < 8, "\(outcome)")
            #expect(outcome.stderr.contains("did not finish within 2 s") && outcome.stderr.contains("RSO_COMMAND_TIMEOUT"), "\(outcome)")
            let gone = try await ChildProcess.eventually(within: 10) { try await Self.waitingForLock(db) == 0 }
            #expect(gone, "the server still runs the abandoned statement")
            try await holder.release()
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await db.rawHistory(reference) == before, "the abandoned write landed after the lock was released")
        }
    }

    @Test("db migrate waits for another migration beyond lock_timeout: the session's timeouts do not apply to it")
    func migrationWaits() async throws {
        try await TestDatabase.with(.postgres) { db in
            // The lock a migration takes while it runs (PostgresStore.migrate), held by another session until released.
            let holder = try await LockHolder.hold(db, "SELECT pg_advisory_xact_lock(7210412)", seconds: 60)
            let child = try ChildProcess.rsoctl(["db", "migrate"], databaseURL: ChildProcess.adding("lock_timeout=500ms", to: db.url))
            let waiting = try await ChildProcess.eventually(within: 20) { try await Self.waitingForLock(db) == 1 }
            #expect(waiting, "db migrate did not wait for the other migration")
            try await Task.sleep(for: .seconds(2))  // four times its lock_timeout, and still waiting
            let stillWaiting = try await Self.waitingForLock(db)
            #expect(stillWaiting >= 1, "db migrate gave up waiting: \(stillWaiting) sessions wait for a lock")
            try await holder.release()
            let outcome = await child.finish(timeout: 30)
            #expect(outcome.exitCode == 0, "\(outcome)")
        }
    }

    @Test("a write on a read-only server exits 75 saying that writes go to the primary; so does a read of personal data, which is logged")
    func readOnly() async throws {
        try await Self.withCase { db, reference in
            // A manager's history shows no personal value, so reading it writes no access-log entry.
            let history = ["case", "history", reference, "--actor", "maria", "--format", "json"]
            let before = try await db.succeed(history).stdout
            let name = try #require(URLComponents(string: db.url)?.path.dropFirst())
            try await TestDatabase.psqlCommand(try TestDatabase.postgresAdminURL(),
                                               "ALTER DATABASE \(name) SET default_transaction_read_only = on")
            for arguments in [Self.advance(reference), ["users", "add", "ines", "--role", "caseworker", "--actor", "root"],
                              ["case", "show", reference, "--actor", "amina"]] {
                let result = try await db.rsoctl(arguments)
                #expect(result.exitCode == 75, "\(result)")
                #expect(result.stderr.contains("read-only") && result.stderr.contains("writes go to the primary"), "\(result)")
                #expect(result.stderr.contains("SQLSTATE 25006"), "\(result)")
                #expect(!result.stderr.contains("cannot execute"), "the server's own text was passed on: \(result)")
            }
            #expect(try await db.succeed(history).stdout == before)
        }
    }

    @Test("a closed port exits 71 at once, naming host and port")
    func closedPort() async throws {
        // A connect timeout longer than the bound: ending within the bound shows the refusal was taken at once, not
        // waited out (the bound leaves room for a machine busy with every other test).
        let child = try ChildProcess.rsoctl(["db", "status"], databaseURL: "postgres://postgres@127.0.0.1:1/rso?connect_timeout=60")
        let outcome = await child.finish(timeout: 90)
        #expect(outcome.exitCode == 71 && outcome.seconds < 45, "\(outcome)")
        #expect(outcome.stderr.contains("127.0.0.1:1") && outcome.stderr.contains("connection refused"), "\(outcome)")
        #expect(!outcome.stderr.contains("NIOConnectionError"), "a Swift dump reached the user: \(outcome)")
    }

    @Test("a server that never answers exits 71 within connect_timeout, naming host and port")
    func silentServer() async throws {
        // A listening socket nobody accepts on: the kernel completes the TCP handshake, then nothing is ever said.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && listen(listener, 8) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))

        let child = try ChildProcess.rsoctl(["db", "status"], databaseURL: "postgres://postgres@127.0.0.1:\(port)/rso?connect_timeout=2")
        let outcome = await child.finish(timeout: 30)
        #expect(outcome.exitCode == 71, "\(outcome)")
        // Not a hang: it waited its connect timeout, then gave up (the bound leaves room for a machine busy with other tests).
        #expect(outcome.seconds >= 1.5 && outcome.seconds < 20, "\(outcome)")
        #expect(outcome.stderr.contains("127.0.0.1:\(port)") && outcome.stderr.contains("connect timeout of 2 s"), "\(outcome)")
    }

    @Test("a database URL parameter or sslmode that is not known, or TLS settings that cannot be kept, are 64 before anything is sent", arguments: [
        ("?sslmde=require", "parameter 'sslmde' is not known; accepted: host, connect_timeout, lock_timeout, statement_timeout, sslmode, sslrootcert, sslcert, sslkey, application_name"),
        ("?sslmode=required", "sslmode=required is not known; accepted: disable, allow, prefer, require, verify-ca, verify-full"),
        ("?sslmode=verify-full", "sslmode=verify-full checks the server's certificate against a CA's: give it with sslrootcert=PATH"),
        ("?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem", "sslrootcert=/nonexistent/ca.pem: no readable file there"),
        ("?sslmode=require&host=/tmp", "sslmode=require cannot be kept over a Unix socket"),
        ("?sslmode=verify-ca&sslrootcert=system", "sslrootcert=system trusts any name a public CA vouches for: it needs sslmode=verify-full"),
        ("?sslmode=require&sslkey=/nonexistent/client.key", "sslkey=/nonexistent/client.key was given without its certificate: add sslcert=PATH"),
        ("?application_name=%0A", "application_name in the database URL must be 1 to 63 printable ASCII characters"),
    ])
    func refusedURLParameters(_ query: String, _ message: String) async throws {
        // Port 1 is closed: had anything been sent, the answer would be 71.
        // No CA from the environment or ~/.postgresql/root.crt.
        let child = try ChildProcess.rsoctl(["db", "status"], databaseURL: "postgres://postgres:s3cret@127.0.0.1:1/rso\(query)",
                                            environment: ["HOME": "/nonexistent/rso-home", "PGSSLROOTCERT": ""])
        let outcome = await child.finish(timeout: 30)
        #expect(outcome.exitCode == 64, "\(outcome)")
        #expect(outcome.stderr.contains(message), "\(outcome)")
        #expect(!outcome.stderr.contains("s3cret"), "\(outcome)")
    }

    @Test("sslmode=disable is accepted: the closed port is then what stops the command (71)")
    func sslModeDisable() async throws {
        let child = try ChildProcess.rsoctl(["db", "status"], databaseURL: "postgres://postgres@127.0.0.1:1/rso?sslmode=disable&application_name=ops")
        let outcome = await child.finish(timeout: 30)
        #expect(outcome.exitCode == 71, "\(outcome)")
    }

    @Test("a malformed timeout is a usage error naming the setting")
    func badTimeout() async throws {
        let result = try await RsoctlProcess.run(["db", "status"], databaseURL: "postgres://postgres@127.0.0.1:1/rso?lock_timeout=soon")
        #expect(result.exitCode == 64, "\(result)")
        #expect(result.stderr.contains("lock_timeout") && result.stderr.contains("500ms"), "\(result)")
    }
}
