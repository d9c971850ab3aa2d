import Testing
@testable import WorkflowEngine

/// Unique values and the blind index compare texts normalised: lowercased, whitespace runs collapsed to one space,
/// none at either end. ASCII texts take a byte-by-byte path; it must agree with the character-by-character one.
@Suite("Normalised values")
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

    @Test func examples() {
        #expect(UniqueClaim.normalized(.string("  JPA \t 3\r\n")) == "jpa 3")
        #expect(UniqueClaim.normalized(.string("Nguyễn  VĂN")) == "nguyễn văn")
        #expect(UniqueClaim.normalizedASCII("Nguyễn") == nil)
    }
}
