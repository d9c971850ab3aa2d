/// Text helpers in plain Swift: Foundation's `trimmingCharacters(in:)` and `String(format:)` took a third of an
/// import's CPU on Linux.
extension StringProtocol {
    /// Without leading and trailing spaces and tabs (newlines stay, as with `CharacterSet.whitespaces`).
    var trimmingSpaces: String {
        func isSpace(_ character: Character) -> Bool { character.isWhitespace && !character.isNewline }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

extension BinaryInteger {
    /// The decimal digits, left-padded with zeros to `width`.
    func zeroPadded(_ width: Int) -> String {
        let digits = String(self)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
