/// Maps `items` in up to `parts` contiguous slices at once (at least `minimumSlice` items each, so that a small batch is
/// not split for nothing), keeping their order. The import checks and seals its rows this way, on every core.
func mapInParts<Item: Sendable, Mapped: Sendable>(
    _ items: [Item], parts: Int, minimumSlice: Int = 250, _ transform: @escaping @Sendable (Item) throws -> Mapped
) async throws -> [Mapped] {
    let parts = min(parts, items.count / minimumSlice)
    guard parts > 1 else { return try items.map(transform) }
    let size = (items.count + parts - 1) / parts
    return try await withThrowingTaskGroup(of: (Int, [Mapped]).self) { group in
        for part in 0..<parts {
            let slice = items[min(items.count, part * size)..<min(items.count, (part + 1) * size)]
            group.addTask { (part, try slice.map(transform)) }
        }
        var mapped = [[Mapped]](repeating: [], count: parts)
        for try await (part, done) in group { mapped[part] = done }
        return mapped.flatMap { $0 }
    }
}
