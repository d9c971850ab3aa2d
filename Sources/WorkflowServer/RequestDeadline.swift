import Hummingbird
import NIOConcurrencyHelpers
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
            // The handler runs in a task of its own so that the deadline can cancel it; that task is awaited before
            // this returns (even when this one is cancelled), which is what makes handing the non-Sendable `next`
            // over sound. One task and one timer of the event loop: a task group with a sleeping second child cost
            // twice the tasks per request.
            let handler = UncheckedSendable(next)
            let work = Task { try await handler.value(request, context) }
            let expired = NIOLockedValueBox(false)
            let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? MultiThreadedEventLoopGroup.singleton.any()
            let timer = loop.scheduleTask(in: .nanoseconds(Self.nanoseconds(limit))) {
                expired.withLockedValue { $0 = true }
                work.cancel()
            }
            let outcome = await withTaskCancellationHandler { await work.result } onCancel: { work.cancel() }
            timer.cancel()
            switch outcome {
            case .success(let response):
                // Late or not, the handler's own answer: the truth about a write that was under way.
                return response
            case .failure(let error):
                guard expired.withLockedValue({ $0 }) else { throw error }
                if let refusal = error as? WorkflowError, refusal.code != .temporary && refusal.code != .unavailable {
                    throw refusal  // the engine's answer (a guard, a conflict): nothing was written
                }
                // Cancelled while it waited (for a connection, say): nothing of it was written.
                throw APIRefusal(
                    status: .serviceUnavailable,
                    detail: "the request did not finish within \(limit.spoken) (rsoctl serve --request-timeout) and was stopped; nothing was written: retry (a write with the same Idempotency-Key)",
                    headers: [.retryAfter: "5"])
            }
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}

extension RequestDeadline {
    /// Returns after `duration`, or throws when the task is cancelled first. A timer of NIO's event loop rather than
    /// `Task.sleep`: a cancelled one is dropped at once, while Swift keeps a cancelled `Task.sleep` (about 740 bytes)
    /// until its deadline would have come (docs/postgresnio-memory.md), and a server cancels one per request.
    static func sleep(for duration: Duration) async throws {
        // The loop this task runs on (`WorkflowServer.runTasksOnEventLoops`), so that arming and cancelling the timer
        // wake no other thread.
        let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? MultiThreadedEventLoopGroup.singleton.any()
        let timer = loop.scheduleTask(in: .nanoseconds(nanoseconds(duration))) {}
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
