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
    ///
    /// The looks are taken by one task for every waiting operation (`AnswerWatch`), not by a timer per operation:
    /// scheduling and cancelling a timer on the connection's event loop from another thread woke that thread twice
    /// per statement, which cost more CPU than the statement's own work in the client.
    func answering<T: Sendable>(
        grace: TimeAmount = .seconds(1), _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let answer = FirstAnswer<T>()
        let watch = AnswerWatch.every(grace)
        defer { watch.remove(answer) }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                answer.wait(with: continuation)
                watch.add(answer, on: self)
                answer.work = Task {
                    do { answer.give(.success(try await operation())) } catch { answer.give(.failure(error)) }
                }
            }
        } onCancel: {
            answer.cancelWork()
        }
    }
}

/// An operation waiting for its answer on a connection (`FirstAnswer`).
private protocol WaitingOperation: AnyObject, Sendable {
    func look(connectionClosed: Bool)
}

/// The operations waiting for an answer, each looked at every `grace` by one task that runs while any wait.
private final class AnswerWatch: @unchecked Sendable {
    private static let lock = NSLock()
    /// Guarded by `lock`.
    nonisolated(unsafe) private static var watches: [Int64: AnswerWatch] = [:]

    /// The watch that looks every `grace` (one per distinct grace: the default, and shorter ones in tests).
    static func every(_ grace: TimeAmount) -> AnswerWatch {
        lock.withLock {
            if let watch = watches[grace.nanoseconds] { return watch }
            let watch = AnswerWatch(grace: grace)
            watches[grace.nanoseconds] = watch
            return watch
        }
    }

    private let grace: TimeAmount
    private let lock = NSLock()
    private var waiting: [ObjectIdentifier: (connection: PostgresConnection, operation: any WaitingOperation)] = [:]
    private var looking = false

    private init(grace: TimeAmount) { self.grace = grace }

    func add(_ operation: some WaitingOperation, on connection: PostgresConnection) {
        let start = lock.withLock {
            waiting[ObjectIdentifier(operation)] = (connection, operation)
            defer { looking = true }
            return !looking
        }
        if start { Task.detached { await self.look() } }
    }

    func remove(_ operation: some WaitingOperation) {
        lock.withLock { _ = waiting.removeValue(forKey: ObjectIdentifier(operation)) }
    }

    /// Every `grace`, one look at each waiting operation's connection; stops when none waits (`add` starts it again).
    private func look() async {
        while true {
            try? await Task.sleep(nanoseconds: UInt64(max(1, grace.nanoseconds)))
            let now = lock.withLock { () -> [(connection: PostgresConnection, operation: any WaitingOperation)]? in
                if waiting.isEmpty { looking = false; return nil }
                return Array(waiting.values)
            }
            guard let now else { return }
            for (connection, operation) in now { operation.look(connectionClosed: connection.isClosed) }
        }
    }
}

/// The connection closed and the operation on it never answered (see `PostgresConnection.answering`).
struct LostConnection: Error, CustomStringConvertible {
    var description: String { "the connection to the server closed while a statement waited for its answer" }
}

/// The first of several possible answers resumes the waiting caller; later ones are dropped.
private final class FirstAnswer<T: Sendable>: WaitingOperation, @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var answered = false
    private var _work: Task<Void, Never>?
    private var cancelled = false
    private var closedAtLastLook = false

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
        let waiting: CheckedContinuation<T, any Error>? = lock.withLock {
            guard !answered else { return nil }
            answered = true
            defer { continuation = nil }
            return continuation
        }
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
