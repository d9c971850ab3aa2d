import Crypto
import Foundation

/// Tamper evidence for the history: each event stores a SHA-256 over its content and the previous event's link, per
/// case, and the case stores its latest link. Changing, removing or reordering a recorded event (which takes the
/// table's owner disabling its triggers) breaks the chain from that event on; `rsoctl audit verify` recomputes it.
///
/// The link covers what the event records, as the stores keep it: times in whole microseconds, fields in the
/// canonical JSON (`JSONCoding`), so a value that reads back as written gives the same link on either store.
public enum HistoryChain {
    /// The link of `event` after `previous` (nil: the case's first event).
    public static func link(_ event: EventRecord, after previous: String?) -> String {
        link(event, after: previous, fieldsJSON: BulkJSON.bytes(.object(event.fields)))
    }

    /// The same link, given the event's fields as `BulkJSON` writes them: an import writes them once, for the
    /// link and for the store. The content is one JSON array; the fields are its twelfth member.
    package static func link(_ event: EventRecord, after previous: String?, fieldsJSON: [UInt8]) -> String {
        let before: [JSONValue] = [
            .string("rso-history-chain-1"), text(previous), .string(event.caseID.lowercasedString),
            .int(event.caseVersion), .string(event.kind.rawValue), text(event.transition), text(event.from), text(event.to),
            .string(event.actor), text(event.role?.rawValue), text(event.reason),
        ]
        let after: [JSONValue] = [.int(Int(event.at.microsecondsSince1970)), text(event.idempotencyKey), text(event.requestHash)]
        var content: [UInt8] = [UInt8(ascii: "[")]
        content.reserveCapacity(fieldsJSON.count + 256)
        for member in before {
            BulkJSON.write(member, into: &content)
            content.append(UInt8(ascii: ","))
        }
        content += fieldsJSON
        for member in after {
            content.append(UInt8(ascii: ","))
            BulkJSON.write(member, into: &content)
        }
        content.append(UInt8(ascii: "]"))
        return SHA256.hash(data: content).hex
    }

    private static func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    /// Where a case's recorded history stops matching its chain.
    public struct Break: Sendable, Hashable, Error {
        public let caseVersion: Int
        public let seq: Int64
        public let reason: String
    }

    /// What verifying one case found: the first break, or how many of its events the chain covers.
    public enum Verdict: Sendable, Hashable {
        /// Every event links to the one before it, and the case's head is the last link.
        case holds(chained: Int)
        /// Recorded before the chain existed (schema version 14): nothing to check.
        case unchained(events: Int)
        case broken(Break)
    }

    /// Recomputes the chain of one case's events (oldest first) against the case's stored head.
    public static func verify(_ events: [EventRecord], head: String?) -> Verdict {
        // Events recorded before the chain existed come first and carry no link; the chain starts after them.
        let unchained = events.prefix { $0.chain == nil }
        if unchained.count == events.count {
            if let last = events.last, head != nil {
                return .broken(Break(caseVersion: last.caseVersion, seq: last.seq, reason: "the case names a last link but no event carries one"))
            }
            return .unchained(events: events.count)
        }
        var previous: String? = nil
        var expectedVersion = (unchained.last?.caseVersion ?? 0) + 1
        for event in events.dropFirst(unchained.count) {
            guard event.caseVersion == expectedVersion else {
                return .broken(Break(caseVersion: event.caseVersion, seq: event.seq, reason: "version \(expectedVersion) is missing before it"))
            }
            guard let stored = event.chain else {
                return .broken(Break(caseVersion: event.caseVersion, seq: event.seq, reason: "its link was removed"))
            }
            // The first chained event of a case with earlier, unchained events starts its own chain.
            guard stored == link(event, after: previous) else {
                return .broken(Break(caseVersion: event.caseVersion, seq: event.seq, reason: "its content or its place no longer matches its link"))
            }
            previous = stored
            expectedVersion += 1
        }
        guard head == previous else {
            let last = events[events.count - 1]
            return .broken(Break(caseVersion: last.caseVersion, seq: last.seq, reason: "the case's last link is not its last event's (an event was removed or added)"))
        }
        return .holds(chained: events.count - unchained.count)
    }
}
