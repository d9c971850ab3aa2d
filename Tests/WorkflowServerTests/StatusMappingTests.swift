import Foundation
import HTTPTypes
import Testing
import WorkflowEngine
import WorkflowServer

/// docs/api.md states which HTTP status answers each refusal: the table is the code's mapping.
@Suite("HTTP statuses of refusals")
struct StatusMappingTests {
    static let codes: [WorkflowError.Code] = [.usage, .invalidData, .notFound, .notAllowed, .guardFailed, .forbidden, .conflict,
                                              .unavailable, .temporary, .configuration]

    @Test func docsAPIListsTheStatusOfEveryExitCode() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/api.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for code in Self.codes {
            #expect(text.contains("| \(code.rawValue) | \(code.httpStatus.code) |"),
                    "docs/api.md does not give \(code.httpStatus.code) for exit code \(code.rawValue) (\(code))")
        }
    }

    @Test func aRefusalTheClientCanFixIsA4xxAndOnlyTheServersOwnProblemsAre5xx() {
        for code in Self.codes {
            let server = [WorkflowError.Code.unavailable, .temporary, .configuration].contains(code)
            #expect((500..<600).contains(code.httpStatus.code) == server, "\(code)")
        }
    }
}
