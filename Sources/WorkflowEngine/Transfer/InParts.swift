import Foundation

/// How many slices `inParts` cuts work into by default: several per core, so that a core which finishes its slice
/// early (the database's process took the other core for a while) takes the next rather than waiting for the last.
package let slicesForEveryCore = ProcessInfo.processInfo.activeProcessorCount * 4

/// Runs `transform` on up to `parts` contiguous slices of `items` at once (at least `minimumSlice` items each, so that
/// a small batch is not split for nothing), returning one result per slice in order, on every core. An import checks,
/// seals and encodes its rows this way.
package func inParts<Item: Sendable, Mapped: Sendable>(
    _ items: [Item], parts: Int = slicesForEveryCore, minimumSlice: Int = 250,
    _ transform: @escaping @Sendable (ArraySlice<Item>) throws -> Mapped
) async throws -> [Mapped] {
    let parts = min(parts, items.count / minimumSlice)
    guard parts > 1 else { return [try transform(items[...])] }
    let size = (items.count + parts - 1) / parts
    return try await withThrowingTaskGroup(of: (Int, Mapped).self) { group in
        for part in 0..<parts {
            let slice = items[min(items.count, part * size)..<min(items.count, (part + 1) * size)]
            group.addTask { (part, try transform(slice)) }
        }
        var mapped: [Mapped?] = Array(repeating: nil, count: parts)
        for try await (part, done) in group { mapped[part] = done }
        return mapped.map { $0! }
    }
}

/// `items` mapped in up to `parts` slices at once (`inParts`), in order.
func mapInParts<Item: Sendable, Mapped: Sendable>(
    _ items: [Item], parts: Int = slicesForEveryCore, minimumSlice: Int = 250,
    _ transform: @escaping @Sendable (Item) throws -> Mapped
) async throws -> [Mapped] {
    try await inParts(items, parts: parts, minimumSlice: minimumSlice) { try $0.map(transform) }.flatMap { $0 }
}

/// Calls `produce` (given what it produced last) until it returns nil, handing each result to `consume` in order,
/// while one task produces: up to `ahead` results wait for `consume`, which has one more in hand. An import checks,
/// seals and encodes the following batches while the database writes this one, so that neither waits for the other.
///
/// Structured: when `consume` or `produce` throws, the other stops and the error is rethrown; nothing runs on after.
/// Cancelled, it throws `CancellationError` (never returns as though every item was consumed).
package func pipelined<Item: Sendable>(
    ahead: Int, produce: @escaping @Sendable (Item?) async throws -> Item?, consume: (Item) async throws -> Void
) async throws {
    let (items, delivery) = AsyncThrowingStream.makeStream(of: Item.self)
    // One credit per result that may wait; each one `consume` takes gives its credit back.
    let (credits, credit) = AsyncStream.makeStream(of: Void.self)
    for _ in 0..<max(1, ahead) { credit.yield() }
    try await withThrowingTaskGroup(of: Void.self) { group in
        // The producer works on the shared pool whatever executor the caller prefers for `consume`.
        group.addTask(executorPreference: globalConcurrentExecutor) {
            do {
                var last: Item?
                var waiting = credits.makeAsyncIterator()
                while await waiting.next() != nil, !Task.isCancelled, let item = try await produce(last) {
                    delivery.yield(item)
                    last = item
                }
                delivery.finish()
            } catch {
                delivery.finish(throwing: error)
            }
        }
        defer { credit.finish() }
        for try await item in items {
            credit.yield()
            try await consume(item)
        }
        try await group.waitForAll()
        // A cancelled task's stream ends as if nothing followed: that is a cancellation, not the last item.
        try Task.checkCancellation()
    }
}
