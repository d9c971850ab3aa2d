/// "Did you mean …?" for a misspelt name: the one known name within two edits of it, or the one that starts with it.
public enum Suggestion {
    public static func closest(to typed: String, among names: [String]) -> String? {
        let typed = typed.lowercased()
        let distances = names.map { (name: $0, distance: editDistance(typed, $0.lowercased())) }
        if let best = distances.min(by: { $0.distance < $1.distance }), best.distance <= 2,
           distances.filter({ $0.distance == best.distance }).count == 1 {
            return best.name
        }
        let prefixed = names.filter { !typed.isEmpty && $0.lowercased().hasPrefix(typed) }
        return prefixed.count == 1 ? prefixed[0] : nil
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// English articles for names built into messages: "an avrr case", "a crvs case".
public enum Article {
    public static func a(_ word: String) -> String {
        guard let first = word.lowercased().first else { return "a" }
        return "aeiou".contains(first) ? "an \(word)" : "a \(word)"
    }
}
