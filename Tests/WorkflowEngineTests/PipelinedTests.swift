import Foundation
import Testing
@testable import WorkflowEngine

/// `pipelined`: one task produces ahead while the caller consumes, in order, and a failure on either side stops both.
@Suite("Producing ahead of a consumer")
struct PipelinedTests {
    /// What each side did, in the order it happened.
    actor Log {
        private(set) var produced = 0
        private(set) var consumed: [Int] = []
        private(set) var mostAhead = 0
        func produce() -> Int {
            produced += 1
            mostAhead = max(mostAhead, produced - consumed.count)
            return produced
        }
        func consume(_ item: Int) { consumed.append(item) }
        var ahead: Int { produced - consumed.count }
    }

    struct Refused: Error, Equatable { let at: Int }

    @Test func everyItemIsConsumedInTheOrderItWasProduced() async throws {
        let log = Log()
        try await pipelined(ahead: 2) { previous in
            let item = await log.produce()
            #expect(previous == (item == 1 ? nil : item - 1))
            return item <= 50 ? item : nil
        } consume: { await log.consume($0) }
        #expect(await log.consumed == Array(1...50))
    }

    @Test(arguments: [1, 2, 3])
    func theProducerRunsNoMoreThanItsAllowanceAhead(_ ahead: Int) async throws {
        let log = Log()
        try await pipelined(ahead: ahead) { _ in
            let item = await log.produce()
            return item <= 30 ? item : nil
        } consume: { item in
            // A slow consumer: at each item the producer is given every chance to run further ahead than it may. It
            // is waited for until it is as far ahead as allowed (or done), a second at most: a fixed pause was not
            // enough on a loaded machine, where the producer was not scheduled in time to get that far.
            let deadline = ContinuousClock.now + .seconds(1)
            while await log.ahead < ahead + 1, await log.produced <= 30, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(1))
            }
            try await Task.sleep(for: .milliseconds(2))
            await log.consume(item)
        }
        // Made and not yet consumed: those waiting, and the one in the consumer's hands.
        #expect(await log.mostAhead == ahead + 1)
        #expect(await log.consumed.count == 30)
    }

    @Test func aConsumerThatFailsStopsTheProducerAndItsErrorIsThrown() async throws {
        let log = Log()
        await #expect(throws: Refused(at: 3)) {
            try await pipelined(ahead: 2) { _ in await log.produce() } consume: { item in
                if item == 3 { throw Refused(at: 3) }
                await log.consume(item)
            }
        }
        let produced = await log.produced
        #expect(produced <= 3 + 2)
        // Structured: nothing is produced after `pipelined` returned.
        try await Task.sleep(for: .milliseconds(50))
        #expect(await log.produced == produced)
        #expect(await log.consumed == [1, 2])
    }

    @Test func aProducerThatFailsEndsTheConsumingWithItsError() async throws {
        let log = Log()
        await #expect(throws: Refused(at: 4)) {
            try await pipelined(ahead: 2) { _ in
                let item = await log.produce()
                if item == 4 { throw Refused(at: 4) }
                return item
            } consume: { await log.consume($0) }
        }
        #expect(await log.consumed == [1, 2, 3])
    }

    @Test func aCancelledPipelineThrowsCancellationRatherThanEndingAsIfDone() async throws {
        let log = Log()
        let running = Task {
            try await pipelined(ahead: 1) { _ in await log.produce() } consume: { item in
                await log.consume(item)
                try? await Task.sleep(for: .milliseconds(5))  // ignores cancellation, as a database write would finish
            }
        }
        while await log.consumed.count < 3 { await Task.yield() }
        running.cancel()
        await #expect(throws: CancellationError.self) { try await running.value }
        #expect(await log.consumed.count < 100)
    }
}
