import Foundation
import Testing
import WorkflowEngine

/// RFC 4180 reading and writing: what an import accepts and what an export writes.
@Suite("CSV reader and writer")
struct CSVTests {
    /// Every record's values.
    static func read(_ text: String) throws -> [[String]] {
        var reader = CSVReader(string: text)
        var records: [[String]] = []
        while let record = try reader.next() { records.append(record.fields) }
        return records
    }

    static func failure(_ text: String) -> CSVError? {
        var reader = CSVReader(string: text)
        do {
            while try reader.next() != nil {}
            return nil
        } catch {
            return error
        }
    }

    @Test func readsPlainRecordsWithLFOrCRLF() throws {
        #expect(try Self.read("a,b,c\n1,2,3\n") == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(try Self.read("a,b,c\r\n1,2,3\r\n") == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(try Self.read("a,b\r1,2\r") == [["a", "b"], ["1", "2"]])
    }

    @Test func theLastRecordNeedsNoLineBreak() throws {
        #expect(try Self.read("a,b\n1,2") == [["a", "b"], ["1", "2"]])
    }

    @Test func quotedFieldsKeepCommasLineBreaksAndDoubledQuotes() throws {
        let text = "name,note\r\n\"Doe, Jane\",\"said \"\"hi\"\"\r\nthen left\"\r\n"
        #expect(try Self.read(text) == [["name", "note"], ["Doe, Jane", "said \"hi\"\r\nthen left"]])
    }

    @Test func emptyFieldsAndEmptyQuotedFieldsAreEmpty() throws {
        #expect(try Self.read("a,,\"\",d\n") == [["a", "", "", "d"]])
        #expect(try Self.read(",\n") == [["", ""]])
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("full_name,host_country\nA,THA\n".utf8)
        var reader = CSVReader(bytes: bytes)
        #expect(try reader.next()?.fields == ["full_name", "host_country"])
        #expect(try reader.next()?.fields == ["A", "THA"])
    }

    @Test func blankLinesAreSkippedAndRowsCountRecordsNotLines() throws {
        var reader = CSVReader(string: "h1,h2\n\n\"multi\nline\",x\r\n\r\nlast,y\n\n")
        let records = try [reader.next(), reader.next(), reader.next(), reader.next()]
        #expect(records.map { $0?.fields } == [["h1", "h2"], ["multi\nline", "x"], ["last", "y"], nil])
        #expect(records.compactMap { $0?.row } == [1, 2, 3])
        #expect(records.compactMap { $0?.line } == [1, 3, 6])
    }

    @Test func nonASCIIValuesSurvive() throws {
        #expect(try Self.read("name\nNguyễn Thị Minh Khai\n\"ສົມພອນ, 宋\"\n") == [["name"], ["Nguyễn Thị Minh Khai"], ["ສົມພອນ, 宋"]])
    }

    @Test func aQuoteInsideAnUnquotedFieldIsRefusedWithRowAndColumn() throws {
        let error = try #require(Self.failure("a,b,c\n1,2\"x,3\n"))
        #expect(error.row == 2 && error.column == 2)
        #expect(error.description.hasPrefix("row 2, column 2: a double quote inside an unquoted field"))
    }

    @Test func textAfterAClosingQuoteIsRefused() throws {
        let error = try #require(Self.failure("a,b\n\"x\"y,2\n"))
        #expect(error.row == 2 && error.column == 1)
    }

    @Test func anUnclosedQuoteIsRefusedNamingTheLineItOpenedOn() throws {
        let error = try #require(Self.failure("a,b\n1,2\n3,\"never closed\n4,5\n"))
        #expect(error.row == 3 && error.column == 2)
        #expect(error.message.contains("opened on line 3"))
    }

    @Test func invalidUTF8IsRefused() throws {
        var reader = CSVReader(bytes: Array("a,b\n1,".utf8) + [0xC3, 0x28] + Array("\n".utf8))
        #expect(try reader.next()?.fields == ["a", "b"])
        do {
            _ = try reader.next()
            Issue.record("invalid UTF-8 was read as text")
        } catch {
            #expect(error.row == 2 && error.column == 2 && error.message.contains("UTF-8"))
        }
    }

    @Test func readsAFileInChunksAcrossBoundaries() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Enough rows that quoted fields and CRLF pairs straddle the reader's chunk boundaries.
        var text = "id,note\r\n"
        for index in 0..<40_000 { text += "\(index),\"a, \"\"b\"\"\r\nc\"\r\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        var reader = try CSVReader(path: path)
        _ = try reader.next()
        var count = 0
        while let record = try reader.next() {
            #expect(record.fields == [String(count), "a, \"b\"\r\nc"])
            count += 1
        }
        #expect(count == 40_000)
        #expect(reader.bytesRead == text.utf8.count)
    }

    @Test func aMissingFileIsNotFound() {
        #expect(throws: WorkflowError.self) { try CSVReader(path: "/nonexistent/cases.csv") }
        do { _ = try CSVReader(path: "/nonexistent/cases.csv") } catch { #expect(error.code == .notFound) }
    }

    @Test(arguments: [
        ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
        ("cr\r\nlf", "\"cr\r\nlf\""), (" padded ", "\" padded \""), ("", ""),
    ])
    func writerQuotesOnlyWhenNeeded(_ value: String, _ written: String) {
        #expect(CSVWriter.field(value) == written)
    }

    @Test func whatTheWriterWritesTheReaderReadsBack() throws {
        let records = [["reference", "full_name", "note"], ["AVRR-2026-000001", "Doe, Jane", "said \"hi\"\r\nthen \"left\""],
                       ["AVRR-2026-000002", "", " x "]]
        let text = records.map(CSVWriter.record).joined()
        #expect(try Self.read(text) == records)
    }
}
