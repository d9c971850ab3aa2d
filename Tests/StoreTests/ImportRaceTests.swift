import Foundation
import Testing
@testable import PostgresBackend
@testable import SQLiteBackend
import StoreSelection
@testable import WorkflowEngine

/// A unique value another writer takes between an import's checking pass and its load: the contract says invalid
/// data (65), as when the checking pass finds it, not a version conflict (issue 9).
@Suite("Import: a unique value taken meanwhile")
struct ImportRaceTests {
    /// Counts calls, so that the other writer acts exactly once, after the checking pass's last progress report.
    final class Calls: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func next() -> Int { lock.withLock { count += 1; return count } }
    }

    /// Runs a task's jobs on a serial queue of its own, not on the shared cooperative pool.
    final class OwnThreadExecutor: TaskExecutor {
        private let queue = DispatchQueue(label: "ImportRaceTests.otherWriter")
        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            let executor = asUnownedTaskExecutor()
            queue.async { job.runSynchronously(on: executor) }
        }
    }

    @Test(arguments: Backend.allCases)
    func aUniqueValueTakenDuringTheImportIsInvalidDataAndNothingIsImported(_ backend: Backend) async throws {
        try await BulkImportTests.withStaff(backend) { engine, _ in
            let endOfFile = Calls()
            let error = await BulkImportTests.refusal {
                _ = try await BulkImportTests.withFile(["name,starts_on", "JPA Race,2026-01-01", "JPA Calm,2026-04-01"]) { path in
                    // The progress callback blocks its thread until the other writer is done, so the import runs on a thread
                    // of its own: blocking one of the shared pool's threads (two on a two-core machine) could leave the other
                    // writer, and the database client's own tasks, waiting behind other tests' work.
                    try await withTaskExecutorPreference(OwnThreadExecutor()) {
                        try await engine.importCases("jpa.period", from: path, as: "dewi", progress: { progress in
                            // The second report at the end of the file comes after the claims were checked, before the load.
                            guard progress.phase == .checking, progress.bytesRead == progress.totalBytes, endOfFile.next() == 2 else { return }
                            let done = DispatchSemaphore(value: 0)
                            Task.detached {
                                _ = try? await engine.open("jpa.period", fields: ["name": .string("JPA Race")], as: "dewi")
                                done.signal()
                            }
                            #expect(done.wait(timeout: .now() + 30) == .success, "the other writer did not finish")
                        })
                    }
                }
            }
            #expect(error?.code == .invalidData)
            #expect(error?.message.contains("was taken by another case while the file was being imported; nothing was imported") == true)
            let names = try await BulkImportTests.all(engine, "jpa.period").map { $0.fields["name"]?.plainText }
            #expect(names == ["JPA Race"], "only the other writer's case")
        }
    }
}
