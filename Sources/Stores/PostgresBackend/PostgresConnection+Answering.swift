import Foundation
import NIOCore
import PostgresNIO
import WorkflowEngine

extension PostgresConnection {
    /// Runs `operation` on this connection, and fails it with `LostConnection` if the connection is closed and the
    /// operation has not answered by the next look (the connection is looked at every `grace`).
    ///
    /// Why: after a server restart about one command in 900 waited for ever. PostgresNIO (1.33) sends a query with
    /// `channel.write(task, promise: nil)`; on a connection the server has just closed, once the channel's handlers are
    /// gone, that write fails silently and the query's promise is never completed, so its await never resumes. The
    /// pool can lease such a connection before it hears of the close. The channel does become inactive: an operation
    /// that has not answered a moment after its connection closed never will. Its query never reached the
    /// server, so nothing it would have written lands later.
    ///
    /// The operation runs as a task of its own so that it can be abandoned: a task group would wait for it for ever.
    /// An abandoned operation keeps only this (closed) connection object; the pool's lease ends when this returns.
    func answering<T: Sendable>(
        grace: TimeAmount = .seconds(1), _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let answer = FirstAnswer<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                answer.wait(with: continuation)
                answer.work = Task {
                    do { answer.give(.success(try await operation())) } catch { answer.give(.failure(error)) }
                }
                // Polled, not a close-future callback: a long-lived connection would keep one callback per operation.
                answer.watch = eventLoop.scheduleRepeatedTask(initialDelay: grace, delay: grace) { _ in
                    answer.look(connectionClosed: self.isClosed)
                }
            }
        } onCancel: {
            answer.cancelWork()
        }
    }
}

/// The connection closed and the operation on it never answered (see `PostgresConnection.answering`).
struct LostConnection: Error, CustomStringConvertible {
    var description: String { "the connection to the server closed while a statement waited for its answer" }
}

/// The first of several possible answers resumes the waiting caller; later ones are dropped.
private final class FirstAnswer<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var answered = false
    private var _work: Task<Void, Never>?
    private var cancelled = false
    private var _watch: RepeatedTask?
    private var closedAtLastLook = false

    /// The watch on the connection, stopped by the first answer.
    var watch: RepeatedTask? {
        get { lock.withLock { _watch } }
        set {
            let stopNow = lock.withLock { _watch = newValue; return answered }
            if stopNow { newValue?.cancel() }
        }
    }

    var work: Task<Void, Never>? {
        get { lock.withLock { _work } }
        set {
            let cancelNow = lock.withLock { _work = newValue; return cancelled }
            if cancelNow { newValue?.cancel() }
        }
    }

    func wait(with continuation: CheckedContinuation<T, any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    func give(_ result: Result<T, any Error>) {
        let (waiting, watch): (CheckedContinuation<T, any Error>?, RepeatedTask?) = lock.withLock {
            guard !answered else { return (nil, nil) }
            answered = true
            defer { continuation = nil }
            return (continuation, _watch)
        }
        watch?.cancel()
        waiting?.resume(with: result)
    }

    /// One look at the connection: closed at the previous look and still no answer means there will be none.
    func look(connectionClosed: Bool) {
        let lost = lock.withLock {
            defer { closedAtLastLook = connectionClosed }
            return closedAtLastLook
        }
        if lost { give(.failure(LostConnection())) }
    }

    func cancelWork() {
        let running = lock.withLock { cancelled = true; return _work }
        running?.cancel()
    }
}
