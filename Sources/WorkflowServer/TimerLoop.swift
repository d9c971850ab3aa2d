import Foundation
import Logging
import ServiceLifecycle
import WorkflowEngine

/// `rsoctl serve --timers`: fires due timer transitions every `interval`, as `rsoctl timers run` does once. Several
/// servers (or cron jobs) may run it together: each due case is claimed with a lease and transitioned once. A failed
/// run (the database away) is logged and tried again at the next tick; the loop ends on graceful shutdown, after
/// the run in progress.
struct TimerLoop: Service {
    let engine: Engine
    let interval: Duration
    let logger: Logger
    let metrics: ServerMetrics

    func run() async throws {
        // A tick's sleep is cut short by graceful shutdown; a run under way finishes.
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await tick()
            do {
                try await gracefulShutdownAwareSleep(for: interval)
            } catch {
                return
            }
        }
    }

    private func gracefulShutdownAwareSleep(for interval: Duration) async throws {
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
    }

    func tick() async {
        do {
            let run = try await engine.runTimers(now: Date())
            for fired in run.fired { metrics.timerFired(workflow: fired.record.workflow, transition: fired.transition) }
            logger.info("timers", metadata: [
                "fired": .stringConvertible(run.fired.count), "overdue": .stringConvertible(run.overdue.count),
                "skipped": .stringConvertible(run.skipped.count),
            ])
        } catch let error as WorkflowError {
            logger.warning("timers failed", metadata: ["exitCode": .stringConvertible(error.exitCode), "error": .string(error.message)])
        } catch {
            logger.warning("timers failed", metadata: ["error": .string(String(reflecting: type(of: error)))])
        }
    }
}
