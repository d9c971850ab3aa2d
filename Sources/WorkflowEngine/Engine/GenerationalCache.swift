/// A bounded memory of recent entries, in two generations: entries go into the newer; when it is full, the older is
/// dropped whole and the newer becomes the older. An entry written or read within the last `generationSize` insertions
/// is always found (a hit in the older generation moves it to the newer), and at most two generations are ever held,
/// so a long-running process does not grow with everything it has seen. O(1) per operation, no per-entry bookkeeping.
///
/// Not synchronised: its owner holds a lock around it (`RecentCases`, `SealingMemo`).
struct GenerationalCache<Key: Hashable, Value> {
    let generationSize: Int
    private var newer: [Key: Value] = [:]
    private var older: [Key: Value] = [:]

    init(generationSize: Int) {
        precondition(generationSize > 0)
        self.generationSize = generationSize
    }

    /// The entry of `key`, kept in the newer generation from now on.
    mutating func value(_ key: Key) -> Value? {
        if let value = newer[key] { return value }
        guard let value = older.removeValue(forKey: key) else { return nil }
        insert(value, for: key)
        return value
    }

    mutating func insert(_ value: Value, for key: Key) {
        older.removeValue(forKey: key)
        if newer[key] == nil && newer.count >= generationSize {
            older = newer
            newer = [:]
            newer.reserveCapacity(generationSize)
        }
        newer[key] = value
    }

    mutating func remove(_ key: Key) {
        newer.removeValue(forKey: key)
        older.removeValue(forKey: key)
    }

    mutating func removeAll() {
        newer.removeAll()
        older.removeAll()
    }

    /// Entries held, both generations.
    var count: Int { newer.count + older.count }
}
