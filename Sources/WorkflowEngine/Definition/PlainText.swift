/// Text helpers in plain Swift: Foundation's `trimmingCharacters(in:)` and `String(format:)` took a third of an
/// import's CPU on Linux.
extension StringProtocol {
    /// Without leading and trailing spaces and tabs (newlines stay, as with `CharacterSet.whitespaces`: tab and the
    /// Unicode space separators). ASCII is decided without a Unicode property lookup.
    var trimmingSpaces: String {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII ? scalar == " " || scalar == "\t" : scalar.properties.generalCategory == .spaceSeparator
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        var trimmed = String.UnicodeScalarView()
        trimmed.append(contentsOf: scalars[first...last])
        return String(trimmed)
    }
}

extension BinaryInteger {
    /// The decimal digits, left-padded with zeros to `width`.
    func zeroPadded(_ width: Int) -> String {
        let digits = String(self)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
