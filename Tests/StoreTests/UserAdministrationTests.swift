import AVRR
import Foundation
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine
import WorkflowTestSupport

/// Admins disable, enable and change users; each change is recorded with who, when, what and why, in the same
/// transaction; a disabled user is refused everything, by every engine, including one that remembers the user's cases.
@Suite("Users: disable, enable, roles, and their log")
struct UserAdministrationTests {
    static let now = Date(timeIntervalSince1970: 1_782_000_000)  // 2026-06

    /// Two engines over one store (two processes): root (admin), amina (caseworker), chen (approver).
    static func withStaff<T: Sendable>(
        _ backend: Backend, _ body: @Sendable (Engine, Engine, RawSQL) async throws -> T
    ) async throws -> T {
        try await backend.withFreshStore { (store, raw) async throws in
            let registry = try WorkflowRegistry(modules: [AVRRModule()])
            let here = Engine(registry: registry, store: store, sealing: .testing, clock: FixedClock(now))
            let there = Engine(registry: registry, store: store, sealing: .testing, clock: FixedClock(now))
            _ = try await here.addUser("root", roles: [.admin], as: nil)
            _ = try await here.addUser("amina", roles: [.caseworker], as: "root")
            _ = try await here.addUser("chen", roles: [.approver], as: "root")
            return try await body(here, there, raw)
        }
    }

    static let opening: FieldValues = [
        "full_name": .string("Test Person"), "host_country": .string("THA"), "category": .string("irregular_migrant"),
    ]

    /// The refusal's code and message (nil: no refusal).
    static func refusal(_ attempt: () async throws -> Void) async -> (code: WorkflowError.Code, message: String)? {
        do { try await attempt(); return nil } catch let error as WorkflowError { return (error.code, error.message) } catch {
            return (.unavailable, "\(error)")
        }
    }

    @Test(arguments: Backend.allCases)
    func aDisabledUserIsRefusedEverythingByEveryEngineUntilEnabled(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { here, there, _ in
            let opened = try await here.open("avrr", fields: Self.opening, as: "amina")
            let id = CaseLocator.id(opened.id)
            _ = try await here.advance(id, "start_counselling", as: "amina")  // here remembers the case (and, before, amina)

            let disabled = try await there.disableUser("amina", reason: "left the mission", as: "root")
            #expect(disabled.disabledAt == Self.now && !disabled.isEnabled)

            let attempts: [(String, @Sendable (Engine) async throws -> Void)] = [
                ("advance on a remembered case", { _ = try await $0.advance(id, "hold", reason: "travel ban", as: "amina") }),
                ("update", { _ = try await $0.update(id, fields: ["nationality": .string("MMR")], reason: "confirmed", as: "amina") }),
                ("open", { _ = try await $0.open("avrr", fields: Self.opening, as: "amina") }),
                ("show", { _ = try await $0.show(id, as: "amina") }),
                ("history", { _ = try await $0.history(id, as: "amina") }),
                ("list", { _ = try await $0.list(CaseQuery(workflow: "avrr"), as: "amina") }),
                ("metrics", { _ = try await $0.stageCounts("avrr", as: "amina") }),
                ("users list", { _ = try await $0.users(as: "amina") }),
                ("users show (themself)", { _ = try await $0.user("amina", as: "amina") }),
            ]
            for engine in [here, there] {
                for (what, attempt) in attempts {
                    let refused = await Self.refusal { try await attempt(engine) }
                    #expect(refused?.code == .forbidden, "\(what): \(String(describing: refused))")
                    #expect(refused?.message.contains("amina is disabled since 2026-") == true, "\(what): \(String(describing: refused))")
                    #expect(refused?.message.contains("rsoctl users enable") == true, "\(what)")
                }
            }
            #expect(try await there.show(id, as: "chen").version == 2, "nothing amina asked was written")

            let enabled = try await there.enableUser("amina", reason: "back from leave", as: "root")
            #expect(enabled.isEnabled)
            #expect(try await here.advance(id, "hold", reason: "travel ban", as: "amina").version == 3)
            #expect(try await there.show(id, as: "amina").state == "on_hold")
        }
    }

    @Test(arguments: Backend.allCases)
    func rolesGivenOrTakenHoldFromTheNextCommandOfEveryEngine(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { here, there, _ in
            let opened = try await here.open("avrr", fields: Self.opening, as: "amina")
            let id = CaseLocator.id(opened.id)
            _ = try await here.advance(id, "start_counselling", as: "amina")

            let changed = try await there.changeRoles("amina", adding: [.manager], removing: [.caseworker], reason: "promoted", as: "root")
            #expect(changed.roles == [.manager])
            let refused = await Self.refusal { _ = try await here.advance(id, "hold", reason: "travel ban", as: "amina") }
            #expect(refused?.code == .forbidden, "\(String(describing: refused))")
            #expect(try await here.stageCounts("avrr", as: "amina").stages.isEmpty == false, "a manager reads figures")

            _ = try await there.changeRoles("amina", adding: [.caseworker], removing: [], reason: "covers counselling too", as: "root")
            #expect(try await here.advance(id, "hold", reason: "travel ban", as: "amina").version == 3)
        }
    }

    @Test(arguments: Backend.allCases)
    func theLogShowsEveryChangeWithWhoWhenWhatAndWhy(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { here, _, _ in
            _ = try await here.changeRoles("chen", adding: [.caseworker, .approver], removing: [], reason: "covers counselling", as: "root")
            _ = try await here.disableUser("chen", reason: "on leave\nuntil March", as: "root")
            _ = try await here.enableUser("chen", reason: "back", as: "root")
            _ = try await here.changeRoles("chen", adding: [], removing: [.approver], reason: "four eyes: not both", as: "root")

            let (chen, changes) = try await here.user("chen", as: "root")
            #expect(chen.roles == [.caseworker] && chen.isEnabled)
            #expect(changes == [
                UserChange(user: "chen", kind: .added, actor: "root", at: Self.now, added: [.approver], reason: nil),
                // Only what changed: approver was held already.
                UserChange(user: "chen", kind: .roles, actor: "root", at: Self.now, added: [.caseworker], reason: "covers counselling"),
                UserChange(user: "chen", kind: .disabled, actor: "root", at: Self.now, reason: "on leave\nuntil March"),
                UserChange(user: "chen", kind: .enabled, actor: "root", at: Self.now, reason: "back"),
                UserChange(user: "chen", kind: .roles, actor: "root", at: Self.now, removed: [.approver], reason: "four eyes: not both"),
            ])
            // The first user was added by no one: anyone may add the first admin.
            #expect(try await here.user("root", as: "root").1 == [
                UserChange(user: "root", kind: .added, actor: nil, at: Self.now, added: [.admin], reason: nil),
            ])
            // A user may see their own log; only an admin sees another's.
            #expect(try await here.user("chen", as: "chen").1.count == 5)
            #expect(await Self.refusal { _ = try await here.user("chen", as: "amina") }?.code == .forbidden)
        }
    }

    @Test(arguments: Backend.allCases)
    func theLogIsAppendOnlyInTheDatabaseItself(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { here, _, raw in
            _ = try await here.disableUser("chen", reason: "left", as: "root")
            for statement in ["UPDATE user_changes SET reason = 'nothing'", "DELETE FROM user_changes"] {
                await #expect(throws: (any Error).self, "\(statement)") { try await raw.execute(statement) }
            }
            if backend == .postgres {
                await #expect(throws: (any Error).self) { try await raw.execute("TRUNCATE user_changes") }
            }
            #expect(try await here.user("chen", as: "root").1.last?.reason == "left")
        }
    }

    @Test(arguments: Backend.allCases)
    func onlyAnEnabledAdminChangesUsersAndARefusalWritesNothing(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { here, _, _ in
            let before = try await here.user("chen", as: "root")
            let refusals: [(WorkflowError.Code, String, @Sendable () async throws -> Void)] = [
                (.forbidden, "only an admin", { _ = try await here.disableUser("chen", reason: "why not", as: "amina") }),
                (.forbidden, "only an admin", { _ = try await here.enableUser("chen", reason: "why not", as: "amina") }),
                (.forbidden, "only an admin", { _ = try await here.changeRoles("chen", adding: [.admin], removing: [], reason: "me", as: "amina") }),
                (.forbidden, "only an admin", { _ = try await here.disableUser("nobody", reason: "why not", as: "amina") }),
                (.notFound, "no user nobody", { _ = try await here.disableUser("nobody", reason: "left", as: "root") }),
                (.notFound, "no user ghost", { _ = try await here.disableUser("chen", reason: "left", as: "ghost") }),
                (.invalidData, "needs --reason", { _ = try await here.disableUser("chen", reason: "", as: "root") }),
                (.invalidData, "needs --reason", { _ = try await here.disableUser("chen", reason: " \n\t", as: "root") }),
                (.invalidData, "longer than 2000 characters", {
                    _ = try await here.disableUser("chen", reason: String(repeating: "x", count: 2_001), as: "root") }),
                (.invalidData, "control character U+0007", { _ = try await here.disableUser("chen", reason: "left\u{7}", as: "root") }),
                (.invalidData, "control character U+001B", {
                    _ = try await here.changeRoles("chen", adding: [.manager], removing: [], reason: "\u{1B}[2J", as: "root") }),
                (.usage, "--add ROLE", { _ = try await here.changeRoles("chen", adding: [], removing: [], reason: "nothing", as: "root") }),
                (.invalidData, "system is reserved", { _ = try await here.changeRoles("chen", adding: [.system], removing: [], reason: "timers", as: "root") }),
                (.invalidData, "at least one", { _ = try await here.changeRoles("chen", adding: [], removing: [.approver], reason: "none", as: "root") }),
                (.notAllowed, "already has exactly", { _ = try await here.changeRoles("chen", adding: [.approver], removing: [.manager], reason: "same", as: "root") }),
                (.notAllowed, "already enabled", { _ = try await here.enableUser("chen", reason: "again", as: "root") }),
            ]
            for (code, words, attempt) in refusals {
                let refused = await Self.refusal(attempt)
                #expect(refused?.code == code, "\(words): \(String(describing: refused))")
                #expect(refused?.message.contains(words) == true, "\(words): \(String(describing: refused))")
            }
            let after = try await here.user("chen", as: "root")
            #expect(after.0 == before.0 && after.1 == before.1)
            // A disabled admin is an admin no more.
            _ = try await here.addUser("olga", roles: [.admin], as: "root")
            _ = try await here.disableUser("olga", reason: "left", as: "root")
            #expect(await Self.refusal { _ = try await here.disableUser("chen", reason: "left", as: "olga") }?.code == .forbidden)
            #expect(await Self.refusal { _ = try await here.addUser("eve", roles: [.caseworker], as: "olga") }?.code == .forbidden)
            #expect(try await here.users(as: "root").map(\.name) == ["amina", "chen", "olga", "root"])
        }
    }

    @Test(arguments: Backend.allCases)
    func noChangeLeavesNoEnabledAdmin(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { here, _, _ in
            let attempts: [@Sendable () async throws -> Void] = [
                { _ = try await here.disableUser("root", reason: "leaving", as: "root") },
                { _ = try await here.changeRoles("root", adding: [.manager], removing: [.admin], reason: "stepping down", as: "root") },
            ]
            for attempt in attempts {
                let refused = await Self.refusal(attempt)
                #expect(refused?.code == .notAllowed, "\(String(describing: refused))")
                #expect(refused?.message.contains("root is the last enabled admin") == true, "\(String(describing: refused))")
            }
            #expect(try await here.user("root", as: "root").1.count == 1, "nothing recorded")

            // With a second admin, an admin may step down.
            _ = try await here.addUser("olga", roles: [.admin], as: "root")
            _ = try await here.disableUser("root", reason: "leaving", as: "root")
            #expect(await Self.refusal { _ = try await here.show(.reference("AVRR-2026-000001"), as: "root") }?.code == .forbidden)
            #expect(await Self.refusal { _ = try await here.disableUser("olga", reason: "leaving", as: "olga") }?.code == .notAllowed)
        }
    }

    /// Two admins disabling each other at the same moment: one wins, the other is refused, never both.
    @Test(arguments: Backend.allCases)
    func twoAdminsDisablingEachOtherAtOnceLeaveOneEnabled(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { here, there, _ in
            for round in 1...5 {
                let first = "a\(round)", second = "b\(round)"
                _ = try await here.addUser(first, roles: [.admin], as: "root")
                _ = try await here.addUser(second, roles: [.admin], as: "root")
                _ = try await here.disableUser("root", reason: "round \(round)", as: first)
                async let one = Self.refusal { _ = try await here.disableUser(second, reason: "race", as: first) }
                async let other = Self.refusal { _ = try await there.disableUser(first, reason: "race", as: second) }
                let outcomes = [await one, await other]
                #expect(outcomes.filter { $0 == nil }.count == 1, "round \(round): \(outcomes)")
                let admins = try await here.store.users().filter { $0.isEnabled && $0.holds(.admin) }
                #expect(admins.count == 1, "round \(round): \(admins.map(\.name))")
                // Hand back to root alone for the next round.
                _ = try await here.enableUser("root", reason: "round \(round) done", as: admins[0].name)
                _ = try await here.disableUser(admins[0].name, reason: "round \(round) done", as: "root")
            }
        }
    }

    /// The store's own check: a change decided for a user as they were lands only if they still are (enabled, with
    /// the same roles); otherwise nothing is written and the engine decides again on a fresh read.
    @Test(arguments: Backend.allCases)
    func aWriteLandsOnlyWhileItsUserIsAsDecided(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { here, _, _ in
            let store = here.store
            let opened = try await store.insert(Sample.newCase())
            func attempt(_ roles: [Role]?) async -> Bool {
                var change = Sample.change(opened, to: "counselling", transition: "start_counselling")
                change.actorRoles = roles
                do { _ = try await store.apply(change); return true } catch { return false }
            }
            #expect(await attempt([.caseworker, .approver]) == false, "amina holds caseworker only")
            #expect(await attempt([]) == false)
            _ = try await here.disableUser("amina", reason: "left", as: "root")
            #expect(await attempt([.caseworker]) == false, "amina is disabled")
            #expect(try await store.history(of: opened.id).count == 1, "nothing was written")
            _ = try await here.enableUser("amina", reason: "back", as: "root")
            #expect(await attempt([.caseworker]) == true)
        }
    }

    /// A database migrated before version 13 keeps its users, enabled, each with its addition in the log.
    @Test(arguments: Backend.allCases)
    func usersAddedBeforeTheLogExistedHaveTheirAdditionRecorded(_ backend: Backend) async throws {
        try await backend.withFreshStore { (store, raw) async throws in
            // The database as version 12 left it, with two users.
            for statement in [
                "DROP TABLE user_changes", "ALTER TABLE users DROP COLUMN disabled_at",
                "DELETE FROM rso_schema_migrations WHERE version = 13",
                "INSERT INTO users (name, roles, created_at, created_by) VALUES ('root', \(backend == .postgres ? "'{admin}'" : "'admin'"), \(backend == .postgres ? "'2013-06-12T01:20:00Z'" : "1371000000000000"), NULL)",
                "INSERT INTO users (name, roles, created_at, created_by) VALUES ('amina', \(backend == .postgres ? "'{caseworker,approver}'" : "'caseworker,approver'"), \(backend == .postgres ? "'2013-06-12T01:20:00Z'" : "1371000000000000"), 'root')",
            ] + (backend == .postgres ? ["DROP FUNCTION rso_refuse_user_change()"] : []) {
                try await raw.execute(statement)
            }
            #expect(try await store.migrate().map(\.version) == [13])
            let engine = Engine(registry: try WorkflowRegistry(modules: [AVRRModule()]), store: store, sealing: .testing, clock: FixedClock(Self.now))
            let (amina, changes) = try await engine.user("amina", as: "root")
            #expect(amina.isEnabled && amina.roles == [.caseworker, .approver])
            #expect(changes == [UserChange(user: "amina", kind: .added, actor: "root", at: Sample.t0, added: [.caseworker, .approver], reason: nil)])
            #expect(try await engine.user("root", as: "root").1.map(\.actor) == [nil])
        }
    }

    @Test(arguments: Backend.allCases)
    func theEngineChecksEveryReasonWhoeverCallsIt(_ backend: Backend) async throws {
        try await Self.withStaff(backend) { here, _, _ in
            let opened = try await here.open("avrr", fields: Self.opening, as: "amina")
            let id = CaseLocator.id(opened.id)
            let refusals: [(String, @Sendable () async throws -> Void)] = [
                ("longer than 2000", { _ = try await here.advance(id, "start_counselling", reason: String(repeating: "r", count: 2_001), as: "amina") }),
                ("U+0000", { _ = try await here.update(id, fields: ["nationality": .string("MMR")], reason: "a\u{0}b", as: "amina") }),
                ("U+009B", { _ = try await here.advance(id, "start_counselling", reason: "x\u{9B}y", as: "amina") }),
            ]
            for (words, attempt) in refusals {
                let refused = await Self.refusal(attempt)
                #expect(refused?.code == .invalidData && refused?.message.contains(words) == true, "\(String(describing: refused))")
            }
            #expect(try await here.history(id, as: "amina").1.count == 1)
            // Tabs and line breaks are text.
            let moved = try await here.advance(id, "start_counselling", reason: "line one\n\tline two", as: "amina")
            #expect(moved.version == 2)
        }
    }
}
