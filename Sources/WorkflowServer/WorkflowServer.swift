import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle
import WorkflowEngine

/// The HTTP server over one engine (`rsoctl serve`): health checks, the OpenAPI document, the `/v1` API behind
/// API tokens, and the web pages behind sign-in (`WebRoutes`).
///
/// It runs until SIGTERM or SIGINT, then shuts down gracefully: it stops accepting connections, finishes the requests
/// in flight, and returns, so that the caller closes the database pool. A second signal ends the process at once.
public struct WorkflowServer: Sendable {
    public let engine: Engine
    public let address: ListenAddress
    public let logger: Logger
    public let metrics: ServerMetrics
    /// Tokens found valid a moment ago, and bad tokens per address: one per server, shared by its requests.
    let tokenGate = TokenGate()
    /// Failed sign-ins per address, counted as bad tokens are (each costs a bcrypt check): one per server.
    let signInGate = TokenGate()
    /// Every request is answered within this (`RequestDeadline`).
    public let requestTimeout: Duration
    /// Run the timer loop in this process every so often (`--timers`); nil: timers are run elsewhere.
    public let timerInterval: Duration?
    /// How the web pages' sign-in checks passwords.
    public let passwords: any PasswordHasher

    public init(
        engine: Engine, address: ListenAddress, logger: Logger, metrics: ServerMetrics = ServerMetrics(),
        requestTimeout: Duration = .seconds(30), timerInterval: Duration? = nil, passwords: any PasswordHasher = BcryptPasswords()
    ) {
        self.engine = engine
        self.address = address
        self.logger = logger
        self.metrics = metrics
        self.requestTimeout = requestTimeout
        self.timerInterval = timerInterval
        self.passwords = passwords
    }

    /// Makes NIO's event loops run Swift's tasks too, so that a request's handler, its database queries and its answer
    /// run on the thread that reads and writes their sockets, instead of hopping to Swift's own thread pool and back
    /// at every step: `scripts/bench http` measured a fifth less server CPU per transition. It must be called once, on
    /// the main thread, before the process starts any task: `rsoctl serve` calls it first thing. Code on a task must
    /// then neither wait on a future nor block for long, which would hold up the sockets of its loop: nothing in the
    /// server does, and an import, which hashes, checks and seals its whole file, runs on a thread of its own
    /// (`LongWorkExecutor`).
    @discardableResult
    public static func runTasksOnEventLoops() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    /// The routes, for a server or a test that drives them without a socket.
    public func router() -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: RequestLog(logger: logger, metrics: metrics))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: RequestDeadline(limit: requestTimeout))
        Health(engine: engine).register(on: router)
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        metrics.register(on: router, engine: engine)
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        let v1 = router.group("v1").add(middleware: TokenAuthentication(engine: engine, gate: tokenGate))
        CaseRoutes(engine: engine, metrics: metrics).register(on: v1)
        ReadRoutes(engine: engine).register(on: v1)
        TransferRoutes(engine: engine, requestTimeout: requestTimeout, logger: logger).register(on: v1)
        WebRoutes(engine: engine, passwords: passwords, gate: signInGate).register(on: router)
        return router
    }

    /// Serves until a shutdown signal; `listening` is told the bound address (port 0 takes a free one).
    public func run(listening: @escaping @Sendable (String) -> Void = { _ in }) async throws {
        let logger = self.logger
        let isListening = NIOLockedValueBox(false)
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in
                // HOST:PORT as --listen takes it: an IPv6 address in brackets.
                let bound = channel.localAddress.map { address in
                    let host = address.ipAddress ?? "?"
                    return "\(host.contains(":") ? "[\(host)]" : host):\(address.port ?? 0)"
                } ?? "?"
                isListening.withLockedValue { $0 = true }
                logger.info("listening", metadata: ["address": .string(bound)])
                listening(bound)
            },
            logger: logger)
        // Signals are heard by a handler of our own (see `ShutdownSignals`), not by the service group's dispatch
        // sources, which on Linux miss a signal the kernel hands to a thread that does not block it.
        var services: [any Service] = [app]
        if let timerInterval {
            services.append(TimerLoop(engine: engine, interval: timerInterval, logger: logger, metrics: metrics))
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [], logger: logger))
        let signals = ShutdownSignals.install { name in
            logger.info("stopping", metadata: ["signal": .string(name)])
            Task { await group.triggerGracefulShutdown() }
        }
        defer { signals.uninstall() }
        do {
            try await group.run()
        } catch {
            let failedToListen = !isListening.withLockedValue { $0 }
            throw (failedToListen ? Self.listenFailure(error, address: address) : nil) ?? error
        }
        logger.info("stopped")
    }

    /// The refusal for an address the server could not listen on, named with why; nil for any other failure.
    /// Without it, the socket's error reached rsoctl as a database connection failure (71).
    static func listenFailure(_ error: any Error, address: ListenAddress) -> WorkflowError? {
        guard let failure = error as? IOError else { return nil }
        let reason = switch failure.errnoCode {
        case EADDRINUSE: "the address is in use (another server listens there); give rsoctl serve another --listen HOST:PORT, or stop what listens there"
        case EADDRNOTAVAIL: "the host is not an address of this machine; give rsoctl serve one of its own in --listen HOST:PORT"
        case EACCES: "the port needs privileges this process lacks (ports below 1024); give rsoctl serve another --listen HOST:PORT"
        default: "the system refused it (errno \(failure.errnoCode)); give rsoctl serve another --listen HOST:PORT"
        }
        return WorkflowError(.configuration, "cannot listen on \(address): \(reason)")
    }
}
