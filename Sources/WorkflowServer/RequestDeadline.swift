import Hummingbird
import NIOCore
import NIOPosix
import WorkflowEngine

/// Every request is answered within `limit` when it can be: past it, its handler is cancelled and the client gets 503
/// with Retry-After. What was waiting for a turn (a connection from the pool, a sleep) stops at once; a statement
/// already sent to PostgreSQL runs on until it ends or the database's own limits (lock and statement timeouts) stop
/// it, and then the answer is what really happened: the write's result if it committed after all, its refusal if it
/// was refused. So a client is never told of a failure for a write that landed; a write not yet committed is rolled
/// back. A client retries a write with the same `Idempotency-Key`, and it is applied once.
struct RequestDeadline<Context: Hummingbird.RequestContext>: RouterMiddleware {
    let limit: Duration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let limit = self.limit
        return try await withoutActuallyEscaping(next) { next in
            // The handler runs in a child task so that the deadline can cancel it; the group ends (and so `next` is
            // done with) before this returns, which is what makes handing the non-Sendable `next` over sound.
            let handler = UncheckedSendable(next)
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask { try await handler.value(request, context) }
                group.addTask {
                    try await Self.sleep(for: limit)
                    return nil
                }
                defer { group.cancelAll() }
                if let first = try await group.next(), let response = first { return response }
                group.cancelAll()
                do {
                    // The handler's own outcome, once it has stopped: the truth about a write that was under way.
                    if let late = try await group.next(), let response = late { return response }
                } catch let refusal as WorkflowError where refusal.code != .temporary && refusal.code != .unavailable {
                    throw refusal  // the engine's answer (a guard, a conflict): nothing was written
                } catch {
                    // Cancelled while it waited (for a connection, say): nothing of it was written.
                }
                throw APIRefusal(
                    status: .serviceUnavailable,
                    detail: "the request did not finish within \(limit.spoken) (rsoctl serve --request-timeout) and was stopped; nothing was written: retry (a write with the same Idempotency-Key)",
                    headers: [.retryAfter: "5"])
            }
        }
    }
}

extension RequestDeadline {
    /// Returns after `duration`, or throws when the task is cancelled first. A timer of NIO's event loop rather than
    /// `Task.sleep`: a cancelled one is dropped at once, while Swift keeps a cancelled `Task.sleep` (about 740 bytes)
    /// until its deadline would have come (docs/postgresnio-memory.md), and a server cancels one per request.
    static func sleep(for duration: Duration) async throws {
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        // The loop this task runs on (`WorkflowServer.runTasksOnEventLoops`), so that arming and cancelling the timer
        // wake no other thread.
        let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? MultiThreadedEventLoopGroup.singleton.any()
        let timer = loop.scheduleTask(in: .nanoseconds(nanoseconds)) {}
        try await withTaskCancellationHandler {
            try await timer.futureResult.get()
        } onCancel: {
            timer.cancel()
        }
    }
}

/// A value handed to a child task that provably ends before the value's owner does (see `RequestDeadline`).
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
