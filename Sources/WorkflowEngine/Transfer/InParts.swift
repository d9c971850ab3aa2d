/// Runs `transform` on up to `parts` contiguous slices of `items` at once (at least `minimumSlice` items each, so that
/// a small batch is not split for nothing), returning one result per slice in order. An import checks, seals and
/// encodes its rows this way, on every core.
package func inParts<Item: Sendable, Mapped: Sendable>(
    _ items: [Item], parts: Int, minimumSlice: Int = 250, _ transform: @escaping @Sendable (ArraySlice<Item>) throws -> Mapped
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
    _ items: [Item], parts: Int, minimumSlice: Int = 250, _ transform: @escaping @Sendable (Item) throws -> Mapped
) async throws -> [Mapped] {
    try await inParts(items, parts: parts, minimumSlice: minimumSlice) { try $0.map(transform) }.flatMap { $0 }
}
