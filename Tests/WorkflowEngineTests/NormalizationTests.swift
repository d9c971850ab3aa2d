import Testing
@testable import WorkflowEngine

/// Unique values and the blind index compare texts normalised: lowercased, whitespace runs collapsed to one space,
/// none at either end. ASCII texts take a byte-by-byte path; it must agree with the character-by-character one.
@Suite("Trimmed and normalised values")
struct NormalizationTests {
    @Test func theASCIIPathAgreesWithTheCharacterPathOnEveryShortText() {
        // Letters of both cases, a digit, every ASCII whitespace, and controls and punctuation that are not whitespace.
        let alphabet: [String] = ["a", "Z", "7", " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{1C}", "\u{7F}", "-"]
        var texts: [String] = [""]
        var checked = 0
        for _ in 1...4 {
            texts = texts.flatMap { prefix in alphabet.map { prefix + $0 } }
            for text in texts {
                #expect(UniqueClaim.normalizedASCII(text) == UniqueClaim.normalizedByCharacters(text), "\(Array(text.utf8))")
                checked += 1
            }
        }
        #expect(checked == 12 + 144 + 1728 + 20736)
    }

    /// Values are trimmed of spaces and tabs (and Unicode space separators) at both ends, whatever is inside.
    @Test func trimmingAgreesWithTrimmingScalarByScalarOnEveryShortText() {
        func reference(_ text: String) -> String {
            func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator }
            var scalars = Array(text.unicodeScalars)
            while let first = scalars.first, isSpace(first) { scalars.removeFirst() }
            while let last = scalars.last, isSpace(last) { scalars.removeLast() }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            return String(view)
        }
        let alphabet: [String] = ["a", " ", "\t", "\n", "\u{A0}", "\u{3000}", "é", "e\u{301}"]
        var texts: [String] = [""]
        var checked = 0
        for _ in 1...4 {
            texts = texts.flatMap { prefix in alphabet.map { prefix + $0 } }
            for text in texts {
                #expect(text.trimmingSpaces == reference(text), "\(Array(text.unicodeScalars))")
                #expect(text[...].trimmingSpaces == reference(text))
                checked += 1
            }
        }
        #expect(checked == 8 + 64 + 512 + 4096)
    }

    @Test func examples() {
        #expect(UniqueClaim.normalized(.string("  JPA \t 3\r\n")) == "jpa 3")
        #expect(UniqueClaim.normalized(.string("Nguyễn  VĂN")) == "nguyễn văn")
        #expect(UniqueClaim.normalizedASCII("Nguyễn") == nil)
    }
}
