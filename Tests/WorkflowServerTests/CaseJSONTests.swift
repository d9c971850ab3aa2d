import AVRR
import Foundation
import Testing
import WorkflowEngine
import WorkflowViews

/// A case as the server answers with it: the text written straight from the shape's members is the text of the shape
/// as a JSON value, keys sorted, every key present.
@Suite("A case's JSON text")
struct CaseJSONTests {
    @Test func theServersTextIsTheShapeWithSortedKeys() throws {
        let registry = try WorkflowRegistry(modules: [AVRRModule()])
        let at = Date(microsecondsSince1970: 1_370_000_000_001_000)
        let record = CaseRecord(
            id: UUID(uuidString: "6f1c0a52-3f5e-4f43-9d5b-3b7a0c2b8e11")!, reference: "AVRR-2013-000001", workflow: "avrr",
            definitionVersion: 1, state: "registered", previousState: nil, stateEnteredAt: at, version: 2,
            fields: ["full_name": .string("A \"quoted\" name"), "household_size": .int(3)], parentID: nil, assignee: nil,
            dueAt: at.addingTimeInterval(86_400), createdBy: "amina", createdAt: at, updatedBy: "amina", updatedAt: at)
        let view = CaseView(record, registry: registry, now: at.addingTimeInterval(2 * 86_400))
        let text = String(decoding: view.jsonBytes, as: UTF8.self)
        #expect(text == JSONCoding.string(view.json))
        guard case .object(let members) = view.json else { Issue.record("not an object"); return }
        #expect(members.count == 22)
        #expect(text.hasPrefix(#"{"allowedTransitions":["#) && text.hasSuffix(#","version":2,"workflow":"avrr"}"#), "\(text)")
        #expect(text.contains(#""createdAt":"2013-05-31T11:33:20.001Z""#) && text.contains(#""lateBy":"1d 0h""#), "\(text)")
    }
}
