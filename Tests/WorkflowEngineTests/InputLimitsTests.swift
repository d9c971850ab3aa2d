import Foundation
import Testing
import WorkflowEngine

/// What no input may carry, whatever its field type: control characters, endless text, numbers or dates out of the
/// accepted range, decimals that would be rounded, JSON that is not JSON (issue 9).
@Suite("Input limits")
struct InputLimitsTests {
    func problem(_ type: FieldType, _ text: String, _ dataClass: DataClass = .ordinary) -> String? {
        guard case .failure(let failure) = FieldDefinition("f", type, dataClass).parse(text) else { return nil }
        return failure.problem
    }

    @Test func controlCharactersAreRefusedInEveryType() {
        let types: [FieldType] = [.string, .text, .int, .decimal, .date, .bool, .enumeration(["a"]), .country, .list(.country), .json]
        for type in types {
            for control in ["\u{0}", "\u{1B}[31m", "\u{7F}", "\u{9B}", "\u{7}"] {
                let refusal = problem(type, "ab" + control + "c")
                #expect(refusal?.hasPrefix("contains the control character U+") == true, "\(type.name) \(control.unicodeScalars.first!.value): \(refusal ?? "accepted")")
            }
        }
        #expect(problem(.string, "a\u{0}b") == "contains the control character U+0000: remove it (only printable characters are accepted)")
    }

    @Test func tabsAndLineBreaksAreKeptOnlyInText() {
        #expect(problem(.text, "line one\n\tline two") == nil)
        #expect(problem(.text, "windows\r\nline") == nil)
        #expect(problem(.string, "line one\nline two")?.hasPrefix("contains the control character U+000A") == true)
        #expect(problem(.string, "a\tb")?.hasPrefix("contains the control character U+0009") == true)
    }

    @Test func jsonStringsFollowTheRulesOfText() {
        #expect(problem(.json, #"{"a": "x\u0000y"}"#) == "has a string that contains the control character U+0000: remove it (only printable characters, tabs and line breaks are accepted)")
        #expect(problem(.json, #"{"a\u001b": 1}"#)?.hasPrefix("has a string that contains the control character U+001B") == true)
        #expect(problem(.json, #"{"a": "two\nlines"}"#) == nil)
    }

    @Test func valuesAreBoundedByType() {
        #expect(problem(.string, String(repeating: "a", count: 500)) == nil)
        #expect(problem(.string, String(repeating: "a", count: 501)) == "is longer than 500 characters: give at most 500")
        #expect(problem(.text, String(repeating: "a", count: 20_000)) == nil)
        #expect(problem(.text, String(repeating: "a", count: 20_001)) == "is longer than 20000 characters: give at most 20000")
        #expect(problem(.json, "\"" + String(repeating: "a", count: 1 << 20) + "\"") == "is longer than 1048576 characters: give at most 1048576")
        // A protected value's refusal names the limit, never the value.
        #expect(problem(.string, String(repeating: "Secret", count: 100), .personal)?.contains("Secret") == false)
    }

    @Test func wholeNumbersAreRangeCheckedWithoutOverflow() {
        let range = "from -999999999999999 to 999999999999999"
        #expect(FieldDefinition("n", .int).parse("999999999999999") == .success(.int(999_999_999_999_999)))
        for text in ["1000000000000000", "-9223372036854775808", "9223372036854775807", "9223372036854775808", "99999999999999999999999"] {
            #expect(problem(.int, text) == "'\(text)' is not a whole number \(range)", "\(text)")
        }
        #expect(throws: FieldProblem(field: "n", problem: "'\(Int.min)' is not a whole number \(range)")) {
            try FieldDefinition("n", .int).validate(.int(.min)).get()
        }
    }

    @Test func decimalsThatCannotBeStoredExactlyAreRefused() {
        let digits28 = String(repeating: "9", count: 28)
        #expect(FieldDefinition("d", .decimal).parse(digits28) == .success(.decimal(Decimal(string: digits28)!)))
        #expect(FieldDefinition("d", .decimal).parse("0.000100") == .success(.decimal(Decimal(string: "0.0001")!)))
        let sixty = "1." + String(repeating: "3", count: 59)
        #expect(problem(.decimal, sixty)?.hasSuffix("has more than 28 digits (not counting leading zeros, or trailing zeros after the point): it could not be stored exactly") == true)
        #expect(problem(.decimal, "1" + String(repeating: "0", count: 28)) != nil)
        #expect(problem(.decimal, "0." + String(repeating: "0", count: 40) + "1") != nil)
    }

    @Test func datesAreAcceptedFrom1900To2100() {
        #expect(FieldDefinition("d", .date).parse("1900-01-01") == .success(.string("1900-01-01")))
        #expect(FieldDefinition("d", .date).parse("2100-12-31") == .success(.string("2100-12-31")))
        for text in ["0000-01-01", "1899-12-31", "1581-10-10", "2101-01-01", "9999-12-31"] {
            #expect(problem(.date, text) == "'\(text)' is outside the accepted dates, 1900-01-01 to 2100-12-31", "\(text)")
        }
    }

    @Test func timestampsAreAcceptedFrom1900To2100() {
        #expect(Date(iso8601: "1900-01-01T00:00:00Z") != nil)
        #expect(Date(iso8601: "2100-12-31T23:59:59.999Z") != nil)
        #expect(Date(iso8601: "2100-12-31") != nil)
        for text in ["0000-01-01", "0000-01-01T00:00:00Z", "1899-12-31T23:59:59Z", "2101-01-01T00:00:00Z", "1500-03-01"] {
            #expect(Date(iso8601: text) == nil, "\(text)")
            #expect(Date(unboundedISO8601: text) != nil, "\(text) is a well-formed time")
        }
        #expect(Date(unboundedISO8601: "yesterday") == nil)
    }

    @Test func jsonIsParsedStrictly() throws {
        #expect(try JSONValue(strict: #"{"a": [1, 2.5, "x", true, null]}"#)
                == .object(["a": .array([.int(1), .decimal(Decimal(string: "2.5")!), .string("x"), .bool(true), .null])]))
        #expect(try JSONValue(strict: #""\ud83d\ude00""#) == .string("😀"))
        let refused = [
            #"{"a": 1,}"#: "a member name was expected (a trailing comma?) at character 9",
            #"[1, 2,]"#: "a value was expected (a trailing comma?) at character 7",
            #"{"a": 1} x"#: "text after the end of the document at character 10",
            #"{"a": 1, "a": 2}"#: "the member name \"a\" appears twice at character 13",
            #"[01]"#: "a number with a leading zero at character 3",
            #"{'a': 1}"#: "a member name was expected (a trailing comma?) at character 2",
            #"[NaN]"#: "an unexpected character at character 2",
        ]
        for (text, reason) in refused {
            #expect(throws: JSONSyntaxError(reason: reason), "\(text)") { try JSONValue(strict: text) }
        }
        // JSON, but holding what cannot be kept: told apart, as invalid data rather than a malformed text.
        let beyond = [
            #""\ud800""#: "a lone surrogate \\u escape at character 8",
            "[1e300]": "a number that cannot be held exactly (too large, too small or too precise) at character 7",
            String(repeating: "[", count: 100) + String(repeating: "]", count: 100): "nesting deeper than 64 levels at character 65",
        ]
        for (text, reason) in beyond {
            #expect(throws: JSONSyntaxError(reason: reason, isBeyondLimits: true), "\(text.prefix(20))") { try JSONValue(strict: text) }
        }
    }

    @Test func aTrailingCommaInAJsonFieldIsRefused() {
        #expect(problem(.json, #"{"births": {"refugees": "partial",}}"#) == "is not valid JSON: a member name was expected (a trailing comma?) at character 35")
    }

    @Test func messagesQuoteOnlyTheStartOfAValue() {
        let long = String(repeating: "x", count: 300)
        let refusal = problem(.country, long)
        #expect(refusal?.contains(String(repeating: "x", count: 41)) == false)
        #expect(InputText.quoted("ab\u{1B}[2J") == "ab\\u{1B}[2J")
        #expect(InputText.quoted(String(repeating: "y", count: 50)) == String(repeating: "y", count: 40) + "…")
    }

    @Test func aCSVRecordLongerThanOneMebibyteIsRefusedNamingItsLine() {
        let text = "a,b\n1,2\n" + String(repeating: "z", count: (1 << 20) + 10) + "\n"
        var reader = CSVReader(string: text)
        do {
            while try reader.next() != nil {}
            Issue.record("an endless line was read")
        } catch {
            #expect(error.row == 3)
            #expect(error.message.hasPrefix("the row starting on line 3 is longer than 1048576 bytes (1 MiB)"))
        }
    }
}
