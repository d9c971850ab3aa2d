import Foundation

/// A thread of its own for work that computes for long between its awaits: an import hashes, parses, checks and seals
/// every row of its file.
///
/// Why: the server runs its tasks on NIO's event loops (`WorkflowServer.runTasksOnEventLoops`), and a task computing
/// there holds up every socket of its loop until its next await. During a 100,000-row import over HTTP, a GET on the
/// same server waited up to 1.26 s (33 ms with this executor). Work run with this executor as its preference (`withTaskExecutorPreference`)
/// stays on this thread after each await too; the loops keep answering. Imports are rare: one thread serves them all,
/// so that they never take both cores from the requests either.
/// `@unchecked Sendable`: its mutable state (`jobs`, `thread`) is only touched under `condition`.
final class LongWorkExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = LongWorkExecutor(name: "rso-long-work")

    /// Guards `jobs`, and wakes the thread when one comes.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    /// The thread, once it runs (set before it takes its first job).
    private var thread: pthread_t?
    let name: String

    private init(name: String) {
        self.name = name
        let thread = Thread { [self] in
            condition.lock()
            self.thread = pthread_self()
            condition.unlock()
            run()
        }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Whether the caller runs on this executor's thread.
    var isCurrent: Bool {
        condition.lock()
        defer { condition.unlock() }
        return thread.map { pthread_equal($0, pthread_self()) != 0 } ?? false
    }

    private func run() {
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
