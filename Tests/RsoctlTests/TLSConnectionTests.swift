import Foundation
import StoreSelection
import Testing

/// Connections as libpq's users expect them, against a PostgreSQL of the suite's own that admits TCP connections only
/// over TLS (scripts/pg-tls-throwaway: a CA and a server certificate for localhost and 127.0.0.1 made with openssl,
/// `hostssl` lines for database rso_tls, `hostnossl … reject`), stopped when the suite ends, pass or fail.
///
/// The specs run one at a time: each looks at the server's sessions of user rso_tls.
@Suite("rsoctl: TLS and passwords against a TLS-only PostgreSQL", .serialized, TLSCluster.scope)
struct TLSConnectionTests {
    var cluster: TLSCluster { get throws { try #require(TLSCluster.current, "the TLS cluster did not start") } }

    // MARK: sslmode

    @Test("sslmode=require connects over TLS: the server's pg_stat_ssl shows rsoctl's session encrypted")
    func requireIsEncrypted() async throws {
        let cluster = try cluster
        // A migration waits for another's advisory lock: rsoctl's session stays open while the server is asked about it.
        let holder = try ChildProcess.tool(TestDatabase.psql, [
            "-X", "-q", "-v", "ON_ERROR_STOP=1", cluster.socketURL(database: "rso_tls", applicationName: "rso_tls_holder"), "-c",
            "BEGIN; SELECT pg_advisory_xact_lock(7210412); SELECT pg_sleep(120); COMMIT;",
        ])
        defer { holder.terminate() }
        let holding = try await ChildProcess.eventually(within: 30) {
            try await cluster.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'rso_tls_holder' AND wait_event = 'PgSleep'") == "1"
        }
        try #require(holding, "the lock holder never got its lock")

        let migrate = try ChildProcess.rsoctl(["db", "migrate"], databaseURL: cluster.url(query: "sslmode=require"),
                                              environment: cluster.environment(["PGPASSWORD": cluster.password]))
        // Polled until rsoctl waits, or has ended (then it never waited: said below).
        var waiting = false
        _ = try await ChildProcess.eventually(within: 60) {
            guard migrate.isRunning else { return true }
            waiting = try await cluster.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'rsoctl' AND usename = 'rso_tls' AND wait_event_type = 'Lock'") == "1"
            return waiting
        }
        let encryption = try await cluster.psql("""
            SELECT string_agg(s.ssl::text || ' ' || coalesce(s.version, 'none'), ',')
            FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.application_name = 'rsoctl' AND a.usename = 'rso_tls'
            """)
        _ = try await cluster.psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'rso_tls_holder'")
        let outcome = await migrate.finish(timeout: 120)
        _ = await holder.finish(timeout: 30)

        #expect(waiting, "rsoctl db migrate never waited for the lock: \(outcome)")
        #expect(encryption.hasPrefix("true TLSv1."), "rsoctl's session as the server saw it (ssl, version): \(encryption)")
        #expect(!encryption.contains("false"), "\(encryption)")
        #expect(outcome.exitCode == 0, "\(outcome)")
    }

    @Test("verify-ca and verify-full connect with the CA that issued the server's certificate, by a name it lists", arguments: [
        ("127.0.0.1", "verify-full"), ("localhost", "verify-full"), ("127.0.0.2", "verify-ca"), ("127.0.0.1", "prefer"),
    ])
    func verifiedConnections(_ host: String, _ mode: String) async throws {
        let cluster = try cluster
        let outcome = await cluster.rsoctl(["db", "status"], host: host, query: "sslmode=\(mode)&sslrootcert=\(cluster.certificates)/ca.crt",
                                           environment: ["PGPASSWORD": cluster.password])
        #expect(outcome.exitCode == 0, "\(outcome)")
    }

    @Test("verify-full with a CA that did not issue the server's certificate is refused (71), naming the certificate problem")
    func wrongCA() async throws {
        let cluster = try cluster
        let outcome = await cluster.rsoctl(["db", "status"], query: "sslmode=verify-full&sslrootcert=\(cluster.certificates)/wrong-ca.crt",
                                           environment: ["PGPASSWORD": cluster.password])
        #expect(outcome.exitCode == 71, "\(outcome)")
        #expect(outcome.stderr.contains("certificate verify failed") && outcome.stderr.contains("wrong-ca.crt")
                && outcome.stderr.contains("sslrootcert"), "\(outcome)")
        #expect(!outcome.stderr.contains(cluster.password), "\(outcome)")
    }

    @Test("verify-full to a host the certificate does not name is refused (71), naming the host")
    func unnamedHost() async throws {
        let cluster = try cluster
        // The server listens on 127.0.0.2 too; its certificate names localhost and 127.0.0.1 only.
        let outcome = await cluster.rsoctl(["db", "status"], host: "127.0.0.2", query: "sslmode=verify-full&sslrootcert=\(cluster.certificates)/ca.crt",
                                           environment: ["PGPASSWORD": cluster.password])
        #expect(outcome.exitCode == 71, "\(outcome)")
        #expect(outcome.stderr.contains("certificate host name mismatch") && outcome.stderr.contains("does not name the host 127.0.0.2"), "\(outcome)")
    }

    @Test("without TLS (sslmode=disable, or the loopback default) the hostssl-only server's refusal says to use TLS", arguments: ["sslmode=disable", ""])
    func plaintextRefused(_ query: String) async throws {
        let cluster = try cluster
        let outcome = await cluster.rsoctl(["db", "status"], query: query, environment: ["PGPASSWORD": cluster.password])
        #expect(outcome.exitCode == 71, "\(outcome)")
        #expect(outcome.stderr.contains("SQLSTATE 28000") && outcome.stderr.contains("without TLS")
                && outcome.stderr.contains("the server requires TLS") && outcome.stderr.contains("sslmode=require")
                && outcome.stderr.contains("verify-full"), "\(outcome)")
    }

    @Test("sslcert and sslkey present a client certificate: a user the server admits by certificate connects, and without it is refused")
    func clientCertificate() async throws {
        let cluster = try cluster
        let verify = "sslmode=verify-full&sslrootcert=\(cluster.certificates)/ca.crt"
        let with = await cluster.rsoctl(["db", "status"], user: "rso_cert",
                                        query: "\(verify)&sslcert=\(cluster.certificates)/client.crt&sslkey=\(cluster.certificates)/client.key")
        #expect(with.exitCode == 0, "\(with)")
        let without = await cluster.rsoctl(["db", "status"], user: "rso_cert", query: verify)
        #expect(without.exitCode == 71, "\(without)")
        #expect(without.stderr.contains("SQLSTATE 28000") && without.stderr.contains("client certificate"), "\(without)")
    }

    // MARK: passwords (scram-sha-256)

    @Test("a password from PGPASSWORD, RSO_DATABASE_PASSWORD_FILE or a 0600 password file connects")
    func passwordSources() async throws {
        let cluster = try cluster
        let directory = try cluster.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let require = "sslmode=require"

        let fromVariable = await cluster.rsoctl(["db", "status"], query: require, environment: ["PGPASSWORD": cluster.password])
        #expect(fromVariable.exitCode == 0, "PGPASSWORD: \(fromVariable)")

        // The whole file, its trailing line break removed; it goes before PGPASSWORD.
        let secret = "\(directory)/secret"
        try Data("\(cluster.password)\n".utf8).write(to: URL(fileURLWithPath: secret))
        let fromFile = await cluster.rsoctl(["db", "status"], query: require,
                                            environment: ["RSO_DATABASE_PASSWORD_FILE": secret, "PGPASSWORD": "wrong-Variable-1"])
        #expect(fromFile.exitCode == 0, "RSO_DATABASE_PASSWORD_FILE: \(fromFile)")

        // libpq's format: the first matching line wins; `*` matches anything.
        let passfile = "\(directory)/pgpass"
        try cluster.write(passfile, mode: 0o600, """
            # host:port:database:user:password
            127.0.0.1:1:rso_tls:rso_tls:wrong-Port-2
            127.0.0.1:\(cluster.port):other:rso_tls:wrong-Database-3
            *:\(cluster.port):rso_tls:rso_tls:\(cluster.password)
            *:*:*:*:wrong-Catchall-4

            """)
        let fromPassfile = await cluster.rsoctl(["db", "status"], query: require, environment: ["PGPASSFILE": passfile])
        #expect(fromPassfile.exitCode == 0, "PGPASSFILE: \(fromPassfile)")

        // ~/.pgpass when PGPASSFILE is not set.
        try cluster.write("\(directory)/.pgpass", mode: 0o600, "127.0.0.1:\(cluster.port):rso_tls:rso_tls:\(cluster.password)\n")
        let fromHome = await cluster.rsoctl(["db", "status"], query: require, environment: ["HOME": directory, "PGPASSFILE": ""])
        #expect(fromHome.exitCode == 0, "~/.pgpass: \(fromHome)")

        // The URL's own password comes first.
        let fromURL = await cluster.rsoctl(["db", "status"], password: cluster.password, query: require,
                                           environment: ["PGPASSWORD": "wrong-Variable-5"])
        #expect(fromURL.exitCode == 0, "URL: \(fromURL)")
    }

    @Test("a password file's escapes: \\: is a colon and \\\\ a backslash, in any field")
    func passfileEscapes() async throws {
        let cluster = try cluster
        let directory = try cluster.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let password = #"co:lon\back"#
        let escaped = #"co\:lon\\back"#
        _ = try await cluster.psql("DROP ROLE IF EXISTS rso_escape; CREATE ROLE rso_escape LOGIN PASSWORD '\(password)' IN ROLE rso_tls")
        let passfile = "\(directory)/pgpass"
        try cluster.write(passfile, mode: 0o600, "127.0.0.1:\(cluster.port):rso_tls:rso_escape:\(escaped)\n")
        let outcome = await cluster.rsoctl(["db", "status"], user: "rso_escape", query: "sslmode=require", environment: ["PGPASSFILE": passfile])
        #expect(outcome.exitCode == 0, "\(outcome)")
    }

    @Test("a wrong password is refused (71, SQLSTATE 28P01) naming where it came from, never the password itself")
    func wrongPassword() async throws {
        let cluster = try cluster
        let wrong = "wrong-Secret-6"
        let fromVariable = await cluster.rsoctl(["db", "status"], query: "sslmode=require", environment: ["PGPASSWORD": wrong])
        #expect(fromVariable.exitCode == 71, "\(fromVariable)")
        #expect(fromVariable.stderr.contains("SQLSTATE 28P01") && fromVariable.stderr.contains("from PGPASSWORD"), "\(fromVariable)")
        let fromURL = await cluster.rsoctl(["db", "status"], password: wrong, query: "sslmode=require")
        #expect(fromURL.exitCode == 71, "\(fromURL)")
        #expect(fromURL.stderr.contains("SQLSTATE 28P01") && fromURL.stderr.contains("from the URL"), "\(fromURL)")
        for outcome in [fromVariable, fromURL] {
            #expect(!outcome.stderr.contains(wrong) && !outcome.stdout.contains(wrong), "\(outcome)")
        }
    }

    @Test("RSO_DATABASE_PASSWORD_FILE that cannot be read, or is empty, is 64 before anything is sent, naming the file")
    func unreadablePasswordFile() async throws {
        let cluster = try cluster
        let directory = try cluster.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let empty = "\(directory)/empty"
        try cluster.write(empty, mode: 0o600, "\n")
        for (file, problem) in [("\(directory)/missing", "which cannot be read"), (empty, "which is empty")] {
            let outcome = await cluster.rsoctl(["db", "status"], query: "sslmode=require", environment: ["RSO_DATABASE_PASSWORD_FILE": file])
            #expect(outcome.exitCode == 64, "\(outcome)")
            #expect(outcome.stderr.contains("RSO_DATABASE_PASSWORD_FILE names \(file), \(problem)"), "\(outcome)")
        }
    }

    @Test("a password file others may read is skipped, as libpq does; the refusal then says why")
    func openPassfileSkipped() async throws {
        let cluster = try cluster
        let directory = try cluster.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let passfile = "\(directory)/pgpass"
        try cluster.write(passfile, mode: 0o644, "*:*:*:*:\(cluster.password)\n")
        let outcome = await cluster.rsoctl(["db", "status"], query: "sslmode=require", environment: ["PGPASSFILE": passfile])
        #expect(outcome.exitCode == 71, "\(outcome)")
        #expect(outcome.stderr.contains("asks user rso_tls for a password and none was given")
                && outcome.stderr.contains("\(passfile) was skipped") && outcome.stderr.contains("chmod 0600"), "\(outcome)")
        #expect(!outcome.stderr.contains(cluster.password), "\(outcome)")
    }

    @Test("a database URL's description, dump and reflection never show its password")
    func descriptionHidesPassword() throws {
        let location = try StoreLocation(url: "postgres://rso:pa55-Word@db.example.org:5432/rso?sslmode=require")
        #expect(location.description == "postgres://rso@db.example.org:5432/rso")
        var dumped = ""
        dump(location, to: &dumped)
        #expect(!dumped.contains("pa55-Word") && !"\(location)".contains("pa55-Word") && !String(reflecting: location).contains("pa55-Word"), "\(dumped)")
    }
}

/// Against the suite's shared server, which has `ssl=off`.
@Suite("rsoctl: sslmode against a PostgreSQL without TLS")
struct TLSOffServerTests {
    @Test("sslmode=prefer connects in plaintext when the server offers no TLS, as libpq")
    func preferFallsBack() async throws {
        let admin = try TestDatabase.postgresAdminURL()
        let child = try ChildProcess.rsoctl(["db", "status"], databaseURL: ChildProcess.adding("sslmode=prefer", to: admin))
        let outcome = await child.finish(timeout: 120)
        #expect(outcome.exitCode == 0, "\(outcome)")
    }

    @Test("sslmode=require is refused (71) when the server offers no TLS, never connected in plaintext")
    func requireRefused() async throws {
        let admin = try TestDatabase.postgresAdminURL()
        let child = try ChildProcess.rsoctl(["db", "status"], databaseURL: ChildProcess.adding("sslmode=require", to: admin))
        let outcome = await child.finish(timeout: 120)
        #expect(outcome.exitCode == 71, "\(outcome)")
        #expect(outcome.stderr.contains("does not offer TLS") && outcome.stderr.contains("sslmode=require requires it"), "\(outcome)")
    }
}

/// The suite's TLS-only cluster: started before its first spec, stopped after its last, pass or fail.
struct TLSCluster: Sendable {
    let directory: String
    let port: Int
    let socket: String
    let certificates: String
    let password: String
    let packageRoot: URL

    @TaskLocal static var current: TLSCluster?

    static var scope: Scope { Scope() }

    struct Scope: SuiteTrait, TestScoping {
        func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
            let cluster = try await TLSCluster.start()
            do {
                try await TLSCluster.$current.withValue(cluster) { try await function() }
            } catch {
                await cluster.stop()
                throw error
            }
            await cluster.stop()
        }
    }

    static func start() async throws -> TLSCluster {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let started = try await RestartUnderLoadTests.Cluster.daemonizing([root.appendingPathComponent("scripts/pg-tls-throwaway").path, "start"],
                                                                          timeout: 180)
        try #require(started.exitCode == 0, "pg-tls-throwaway start failed: \(started)")
        var exports: [String: String] = [:]
        for line in started.stdout.split(separator: "\n") where line.hasPrefix("export ") {
            let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { exports[pair[0]] = pair[1] }
        }
        return TLSCluster(directory: try #require(exports["RSO_TLS_PG_DIR"], "\(started)"),
                          port: try #require(exports["RSO_TLS_PG_PORT"].flatMap { Int($0) }, "\(started)"),
                          socket: try #require(exports["RSO_TLS_PG_SOCKET"], "\(started)"),
                          certificates: try #require(exports["RSO_TLS_PG_CERTS"], "\(started)"),
                          password: try #require(exports["RSO_TLS_PG_PASSWORD"], "\(started)"),
                          packageRoot: root)
    }

    func stop() async {
        _ = try? await RsoctlProcess.tool("/bin/bash", [packageRoot.appendingPathComponent("scripts/pg-tls-throwaway").path, "stop", directory],
                                          timeout: 60)
    }

    /// A URL of user `user` (rso_tls unless said) to database rso_tls over TCP.
    func url(user: String = "rso_tls", password: String? = nil, host: String = "127.0.0.1", query: String) -> String {
        let secret = password.map { ":\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)" } ?? ""
        return "postgres://\(user)\(secret)@\(host):\(port)/rso_tls" + (query.isEmpty ? "" : "?\(query)")
    }

    /// The superuser over the cluster's Unix socket (trust), for psql.
    func socketURL(database: String = "rso_tls", applicationName: String = "psql") -> String {
        "postgres://postgres@/\(database)?host=\(socket)&port=\(port)&application_name=\(applicationName)"
    }

    func psql(_ sql: String) async throws -> String { try await ChildProcess.psqlValue(socketURL(), sql) }

    /// Every password and TLS setting rsoctl could inherit from the runner, unset (an empty value counts as unset),
    /// HOME a folder with no .pgpass; then `overrides`.
    func environment(_ overrides: [String: String]) -> [String: String] {
        var environment = ["PGPASSWORD": "", "PGPASSFILE": "", "RSO_DATABASE_PASSWORD_FILE": "", "PGSSLMODE": "",
                           "PGSSLROOTCERT": "", "PGSSLCERT": "", "PGSSLKEY": "", "HOME": "/nonexistent/rso-tls-home"]
        environment.merge(overrides) { $1 }
        return environment
    }

    /// `rsoctl ARGS` against the cluster, at most two minutes.
    func rsoctl(_ arguments: [String], user: String = "rso_tls", password: String? = nil, host: String = "127.0.0.1", query: String,
                environment overrides: [String: String] = [:]) async -> ChildProcess.Outcome {
        do {
            let child = try ChildProcess.rsoctl(arguments, databaseURL: url(user: user, password: password, host: host, query: query),
                                                environment: environment(overrides))
            return await child.finish(timeout: 120)
        } catch {
            Issue.record("could not start rsoctl: \(error)")
            return ChildProcess.Outcome(arguments: arguments, exitCode: -1, stdout: "", stderr: "\(error)", seconds: 0, killedByTest: false)
        }
    }

    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rso-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return path
    }

    func write(_ path: String, mode: Int, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }
}
