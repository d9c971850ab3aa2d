import Foundation
import Testing
@testable import WorkflowEngine
import WorkflowTestSupport

/// What `--field KEY=VALUE` text becomes, for every field type, and how a refusal reads.
@Suite("Field parsing")
struct FieldParsingTests {
    func parse(_ type: FieldType, _ text: String, _ dataClass: DataClass = .ordinary, minimum: Decimal? = nil) -> Result<JSONValue, FieldProblem> {
        FieldDefinition("f", type, dataClass, minimum: minimum).parse(text)
    }

    func value(_ type: FieldType, _ text: String, minimum: Decimal? = nil) -> JSONValue? {
        try? parse(type, text, minimum: minimum).get()
    }

    func problem(_ type: FieldType, _ text: String, _ dataClass: DataClass = .ordinary, minimum: Decimal? = nil) -> String? {
        guard case .failure(let failure) = parse(type, text, dataClass, minimum: minimum) else { return nil }
        #expect(failure.field == "f")
        return failure.problem
    }

    @Test func emptyOrBlankTextClearsAFieldOfAnyType() {
        for type: FieldType in [.string, .int, .date, .country, .list(.country), .json] {
            #expect(value(type, "") == .null)
            #expect(value(type, "   ") == .null)
        }
    }

    @Test func stringsAndTextAreKeptTrimmed() {
        #expect(value(.string, "  Nguyen Van A ") == .string("Nguyen Van A"))
        #expect(value(.text, "line, with comma") == .string("line, with comma"))
        #expect(value(.string, "\t Dewi\u{00A0}") == .string("Dewi"))
        #expect(value(.text, " two\nlines ") == .string("two\nlines"))
    }

    @Test func datesAreWrittenWithFourDigitYearsAndTwoDigitMonthsAndDays() {
        #expect(value(.date, " 2026-07-04\t").map { "\($0)" } == value(.date, "2026-07-04").map { "\($0)" })
        #expect(SimpleDate.unbounded("0999-01-02")?.description == "0999-01-02")
        #expect(SimpleDate("0999-01-02") == nil)
        #expect(SimpleDate("2026-12-31")?.description == "2026-12-31")
    }

    @Test func intsAreWholeNumbersAboveTheirMinimum() {
        #expect(value(.int, "42") == .int(42))
        #expect(value(.int, "-3") == .int(-3))
        #expect(problem(.int, "4.2") == "'4.2' is not a whole number from -999999999999999 to 999999999999999")
        #expect(problem(.int, "four") == "'four' is not a whole number from -999999999999999 to 999999999999999")
        #expect(problem(.int, "-1", minimum: 0) == "must be ≥ 0")
        #expect(value(.int, "0", minimum: 0) == .int(0))
    }

    @Test func decimalsAreExactAndRespectTheirMinimum() {
        #expect(value(.decimal, "1500.50") == .decimal(Decimal(string: "1500.50")!))
        #expect(value(.decimal, "0.1") == .decimal(Decimal(string: "0.1")!))
        #expect(value(.decimal, "0", minimum: 0) == .decimal(0))
        #expect(problem(.decimal, "-0.01", minimum: 0) == "must be ≥ 0")
        for text in ["1,500", "1e3", "12.", ".5", "$5"] {
            #expect(problem(.decimal, text) == "'\(text)' is not a decimal number (e.g. 1500 or 1500.50)", "\(text)")
        }
    }

    @Test func typedNumbersAreCheckedAgainstTheSameMinimum() throws {
        let grant = FieldDefinition("grant", .decimal, minimum: 0)
        #expect(try grant.validate(.int(5)).get() == .decimal(5))
        #expect(throws: FieldProblem(field: "grant", problem: "must be ≥ 0")) { try grant.validate(.decimal(-1)).get() }
        #expect(throws: FieldProblem(field: "grant", problem: "must be a number")) { try grant.validate(.bool(true)).get() }
    }

    @Test func datesMustBeRealCalendarDays() {
        #expect(value(.date, "2024-02-29") == .string("2024-02-29"))
        #expect(value(.date, "2000-02-29") == .string("2000-02-29"))
        for text in ["2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "2024-2-9", "24-02-2024", "2024/02/29", "2024-02-29T10:00"] {
            #expect(problem(.date, text) == "'\(text)' is not a date: expected YYYY-MM-DD, e.g. 2013-06-24", "\(text)")
        }
    }

    @Test func booleansAcceptTheUsualSpellings() {
        for text in ["true", "TRUE", "yes", "1"] { #expect(value(.bool, text) == .bool(true), "\(text)") }
        for text in ["false", "No", "0"] { #expect(value(.bool, text) == .bool(false), "\(text)") }
        #expect(problem(.bool, "maybe") == "'maybe' is not a boolean: expected true or false")
    }

    @Test func enumValuesAreExactAndTheRefusalListsThem() {
        let sex = FieldType.enumeration(["female", "male", "other", "unknown"])
        #expect(value(sex, "female") == .string("female"))
        #expect(problem(sex, "Female") == "'Female' is not one of: female, male, other, unknown")
    }

    @Test func countriesAreUpperCaseAlpha3CodesFromTheRealList() {
        #expect(value(.country, "THA") == .string("THA"))
        #expect(value(.country, "TLS") == .string("TLS"))
        #expect(problem(.country, "tha") == "'tha' is not an ISO 3166-1 alpha-3 country code in upper case, e.g. THA, IDN, AFG (did you mean THA?)")
        for text in ["XYZ", "TH", "THAI", "xyz"] {
            let refusal = problem(.country, text)
            #expect(refusal?.hasSuffix("e.g. THA, IDN, AFG") == true, "\(text): \(refusal ?? "accepted")")
        }
    }

    @Test func listsAreCommaSeparatedWithoutDuplicatesOrBlanks() {
        let needs = FieldType.list(.enumeration(["medical", "elderly", "pregnant"]))
        #expect(value(needs, "medical, elderly,medical,,pregnant,elderly") == .array([.string("medical"), .string("elderly"), .string("pregnant")]))
        #expect(value(.list(.country), "THA,IDN,THA") == .array([.string("THA"), .string("IDN")]))
        #expect(value(.list(.country), ",") == .array([]))
        #expect(problem(needs, "medical,blind") == "'blind' is not one of: medical, elderly, pregnant")
        #expect(problem(.list(.country), "THA,idn")?.hasSuffix("(did you mean IDN?)") == true)
    }

    @Test func typedListsAreCheckedAndDeduplicatedLikeText() throws {
        let countries = FieldDefinition("countries", .list(.country))
        #expect(try countries.validate(.array([.string("IDN"), .string("IDN"), .string("MYS")])).get() == .array([.string("IDN"), .string("MYS")]))
        #expect(throws: FieldProblem.self) { try countries.validate(.array([.string("Indonesia")])).get() }
    }

    @Test func jsonMustBeWellFormed() {
        #expect(value(.json, #"{"births": {"refugees": "partial"}}"#) == .object(["births": .object(["refugees": .string("partial")])]))
        #expect(problem(.json, "{births: partial")?.hasPrefix("is not valid JSON: a member name was expected") == true)
    }

    @Test func aWrongTypedValueNamesWhatWouldBeAccepted() {
        #expect(throws: FieldProblem(field: "n", problem: "'x' is not a whole number from -999999999999999 to 999999999999999")) {
            try FieldDefinition("n", .int).validate(.string("x")).get()
        }
        #expect(throws: FieldProblem(field: "n", problem: "must be a whole number")) {
            try FieldDefinition("n", .int).validate(.bool(true)).get()
        }
        #expect(throws: FieldProblem(field: "flag", problem: "must be true or false")) {
            try FieldDefinition("flag", .bool).validate(.int(1)).get()
        }
    }

    @Test(arguments: [DataClass.personal, .sensitive])
    func aRefusedProtectedValueIsNeverEchoed(dataClass: DataClass) {
        let cases: [(FieldType, String)] = [
            (.int, "Secret42x"), (.decimal, "Secret42x"), (.date, "Secret42x"), (.bool, "Secret42x"),
            (.enumeration(["a"]), "Secret42x"), (.country, "Secret42x"), (.list(.enumeration(["a"])), "a,Secret42x"),
        ]
        for (type, text) in cases {
            let refusal = problem(type, text, dataClass)
            #expect(refusal?.hasPrefix("the value given ") == true, "\(type.name): \(refusal ?? "accepted")")
            #expect(refusal?.contains("Secret42x") == false, "\(type.name)")
        }
    }

    @Test func typeNamesReadAsTheSpecWritesThem() {
        #expect(FieldType.list(.enumeration(["a", "b"])).name == "list(enum(a, b))")
        #expect(FieldType.list(.country).name == "list(country)")
        #expect(DataClass.ordinary.isProtected == false)
        #expect(DataClass.personal.isProtected && DataClass.sensitive.isProtected)
    }
}

@Suite("Field parsing: signs and hints")
struct FieldParsingStrictness {
    @Test func aDateWithASignedPartIsRefused() {
        for text in ["+024-01-01", "2024-+1-01", "2024-01-+1"] {
            #expect(throws: FieldProblem.self, "\(text)") { try FieldDefinition("d", .date).parse(text).get() }
        }
    }

    @Test func aRefusedProtectedCountryIsNotEchoedInTheHint() {
        guard case .failure(let refusal) = FieldDefinition("c", .country, .sensitive).parse("tha") else {
            Issue.record("tha was accepted")
            return
        }
        #expect(!refusal.problem.contains("did you mean"))
    }
}

/// Dates read byte by byte, and instants split into UTC calendar days without `Calendar`.
@Suite("Calendar days")
struct CalendarDayTests {
    @Test func onlyTenCharacterDatesOfASCIIDigitsThatExistAreDates() {
        #expect(SimpleDate("2024-02-29")?.description == "2024-02-29")
        #expect(SimpleDate("2000-02-29")?.description == "2000-02-29")
        for refused in ["2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-1-01",
                        "2026-01-1", "2026/01/01", "2026-01-0a", "+026-01-01", "-026-01-01", " 2026-01-01", "２０２６-01-01",
                        "2026-01-01T00:00:00Z", "", "2026--01-01"] {
            #expect(SimpleDate.unbounded(refused) == nil, "\(refused)")
        }
    }

    @Test func utcDaysAgreeWithTheGregorianCalendarBeforeAndAfter1970() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var random = SeededRandom(seed: 20261207)
        let edges: [Int64] = [0, -1, 1, 86_400_000_000 - 1, -86_400_000_000, 951_782_400_000_000 /* 2000-02-29 */, -2_208_988_800_000_000 /* 1900 */]
        let drawn = (0..<2_000).map { _ in Int64.random(in: -2_208_988_800_000_000...4_133_980_799_000_000, using: &random) }
        for micros in edges + drawn {
            let instant = Date(microsecondsSince1970: micros)
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: instant)
            let day = instant.utcDay
            #expect([day.year, day.month, day.day] == [parts.year, parts.month, parts.day].map { Int64($0!) }, "\(micros)")
            let seconds = Int64(parts.hour! * 3600 + parts.minute! * 60 + parts.second!)
            #expect(day.microsecondOfDay / 1_000_000 == seconds, "\(micros)")
            #expect(day.microsecondOfDay == ((micros % 86_400_000_000) + 86_400_000_000) % 86_400_000_000, "\(micros)")
        }
    }

    @Test func hexWritesEachByteAsTwoLowercaseDigits() {
        #expect([UInt8]([0x00, 0x0f, 0xa5, 0xff]).hex == "000fa5ff")
        #expect(([0xde, 0xad] as [UInt8]).lazy.map { $0 }.hex == "dead")  // no contiguous storage
        #expect([UInt8]().hex == "")
    }

    @Test func aUUIDIsSpelledInLowercaseExactlyAsFoundationSpellsIt() {
        var random = SeededRandom(seed: 7)
        for _ in 0..<500 {
            let (a, b) = (random.next(), random.next())
            let bytes = withUnsafeBytes(of: (a, b)) { Array($0) }
            let id = UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                                 bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
            #expect(id.lowercasedString == id.uuidString.lowercased())
        }
    }
}
