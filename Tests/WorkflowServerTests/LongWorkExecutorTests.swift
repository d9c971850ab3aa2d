import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import WorkflowServer

/// An import computes for long between its awaits. The server runs its tasks on NIO's event loops, where that would
/// hold up every socket of a loop (a GET waited 1.26 s during a 100,000-row import), so it runs on a thread of its own,
/// and stays there after each await, even one that an event loop answers.
@Suite("Long work off the event loops")
struct LongWorkExecutorTests {
    @Test
    func longWorkRunsOnItsOwnThreadAndComesBackToItAfterAnEventLoopAnswers() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let seen = try await withTaskExecutorPreference(LongWorkExecutor.shared) {
            let before = LongWorkExecutor.shared.isCurrent
            try await loop.scheduleTask(in: .milliseconds(5)) {}.futureResult.get()
            return (before: before, after: LongWorkExecutor.shared.isCurrent, onALoop: MultiThreadedEventLoopGroup.currentEventLoop != nil)
        }
        #expect(seen.before, "the work did not start on the long-work thread")
        #expect(seen.after, "the work did not come back to the long-work thread after the event loop answered")
        #expect(!seen.onALoop)
    }

    @Test
    func eachPieceOfLongWorkRunsAndAnswers() async throws {
        // Several at once share the one thread, each to its end.
        let sums = try await withThrowingTaskGroup(of: Int.self) { group in
            for n in 1...20 {
                group.addTask {
                    try await withTaskExecutorPreference(LongWorkExecutor.shared) {
                        try await Task.sleep(for: .milliseconds(1))
                        return (1...n).reduce(0, +)
                    }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }.sorted()
        }
        #expect(sums == (1...20).map { n in n * (n + 1) / 2 })
    }
}
