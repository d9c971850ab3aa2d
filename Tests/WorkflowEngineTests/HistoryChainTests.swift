import Foundation
import Testing
@testable import WorkflowEngine

/// The link of an event is SHA-256 over one JSON array of what it records: pinned here to values computed outside
/// Swift (Python's json.dumps with sorted keys and no spaces), so that no change of the code changes the links of
/// histories already stored.
@Suite("History chain links")
struct HistoryChainTests {
    static let caseID = UUID(uuidString: "0189f7a2-5b3c-7d10-8e00-1a2b3c4d5e6f")!
    static let opened = EventRecord(
        caseID: caseID, caseVersion: 1, kind: .opened, to: "registered", actor: "amina", role: .caseworker, reason: nil,
        fields: ["host_country": .string("THA"), "full_name": .string("rso-sealed-1::QUJD"),
                 "vulnerabilities": .array([.string("medical"), .string("elderly")])],
        at: Date(microsecondsSince1970: 1_782_000_000_123_456), idempotencyKey: nil, requestHash: nil)
    static let openedLink = "e09a68b665a1b8fff89075efbf90ff4e8770d58a7abf9ff41ef3538de703e7de"

    @Test func aFirstEventsLinkIsTheDigestOfItsRecordedContent() {
        #expect(HistoryChain.link(Self.opened, after: nil) == Self.openedLink)
    }

    @Test func aLaterEventsLinkCoversThePreviousLink() {
        let advanced = EventRecord(
            caseID: Self.caseID, caseVersion: 2, kind: .transition, transition: "start_counselling", from: "registered",
            to: "counselling", actor: "amina", role: .caseworker, reason: #"met "in person""#, fields: [:],
            at: Date(microsecondsSince1970: 1_782_003_600_000_000), idempotencyKey: "key-1", requestHash: "h")
        #expect(HistoryChain.link(advanced, after: Self.openedLink) == "d73a125afff2158cd346fd1f43c1a6da0da3e2f56a77def9266de40e5a4828b4")
    }

    @Test func anImportedCaseIsLinkedAsTheOpenedEventItRecords() {
        var new = NewCase(record: CaseRecord(
            id: Self.caseID, reference: "", workflow: "avrr", definitionVersion: 1, state: "registered", previousState: nil,
            stateEnteredAt: Self.opened.at, version: 1, fields: Self.opened.fields, parentID: nil, assignee: nil, dueAt: nil,
            createdBy: "amina", createdAt: Self.opened.at, updatedBy: "amina", updatedAt: Self.opened.at),
            event: Self.opened, referencePrefix: "AVRR", referenceYear: 2026)
        new.event.reason = "dropped by the import"
        let imported = new.asImported
        #expect(imported.event.chain == Self.openedLink)
        #expect(imported.record.chainHead == Self.openedLink)
        #expect(imported.eventFieldsJSON == BulkJSON.string(Self.opened.fields))
    }
}
