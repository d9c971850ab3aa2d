import Foundation
import Testing
import WorkflowEngine
import WorkflowTestSupport

/// How an instant is written (`Date.iso8601`): in UTC, whole seconds as `…:SSZ`, anything finer as milliseconds of
/// the whole microsecond the stores keep, cut and never rounded up.
@Suite("Instants as ISO 8601 text")
struct TimestampTextTests {
    @Test func wholeSecondsAreWrittenAsFoundationWritesThemOverTheYearsAccepted() {
        var random = SeededRandom(seed: 20_261_207)
        let style = Date.ISO8601FormatStyle()
        let first = Int64(Date.acceptedRange.lowerBound.timeIntervalSince1970)
        let last = Int64(Date.acceptedRange.upperBound.timeIntervalSince1970) - 1
        var compared = 0
        for _ in 0..<20_000 {
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: first...last, using: &random)))
            #expect(date.iso8601 == date.formatted(style))
            compared += 1
        }
        #expect(compared == 20_000)
        for seconds in [first, last, 0, -1, 951_782_400 /* 2000-02-29 */, 4_107_542_399 /* 2100-02-28T23:59:59 */] {
            let date = Date(timeIntervalSince1970: Double(seconds))
            #expect(date.iso8601 == date.formatted(style))
        }
    }

    @Test func aFractionIsTheMillisecondsOfTheStoredMicrosecondCutNotRounded() {
        // Foundation's formatter cuts the binary value, which sits a hair below most decimals: it wrote .000 for these.
        #expect(Date(microsecondsSince1970: 1_700_000_000_001_000).iso8601 == "2023-11-14T22:13:20.001Z")
        #expect(Date(microsecondsSince1970: 1_700_000_000_004_000).iso8601 == "2023-11-14T22:13:20.004Z")
        #expect(Date(microsecondsSince1970: 1_700_000_000_999_999).iso8601 == "2023-11-14T22:13:20.999Z")
        #expect(Date(microsecondsSince1970: 1_700_000_000_000_400).iso8601 == "2023-11-14T22:13:20.000Z")
        #expect(Date(microsecondsSince1970: -1).iso8601 == "1969-12-31T23:59:59.999Z")
        #expect(Date(microsecondsSince1970: 1_700_000_000_000_000).iso8601 == "2023-11-14T22:13:20Z")
    }

    @Test func everyMillisecondOfASecondIsWrittenAsItself() {
        for millisecond in Int64(0)..<1_000 {
            let date = Date(microsecondsSince1970: 1_370_000_000_000_000 + millisecond * 1_000)
            let expected = millisecond == 0 ? "2013-05-31T11:33:20Z" : "2013-05-31T11:33:20.\(String(format: "%03d", millisecond))Z"
            #expect(date.iso8601 == expected)
        }
    }

    @Test func yearsOutsideTheWrittenRangeStillReadBack() {
        for text in ["1899-12-31T23:59:59Z", "0800-06-01T00:00:00Z"] {
            let date = try? Date.ISO8601FormatStyle().parse(text)
            #expect(date?.iso8601 == text)
        }
    }
}
