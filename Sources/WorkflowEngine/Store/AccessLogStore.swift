import Foundation

/// One read that returned personal or sensitive values unredacted: who, when, what, and why if they said.
public struct AccessEntry: Sendable, Hashable {
    public var actor: String
    public var at: Date
    /// `show`, `history`, `list` or `export`.
    public var action: String
    public var workflow: String?
    /// The references of the cases whose values were shown (an export names its query instead).
    public var cases: [String]
    /// An export's or a list's selection, as the command was given (no field value: a filter on a protected field
    /// is itself a value, and is recorded as the field's name only).
    public var query: String?
    public var purpose: String?

    public init(actor: String, at: Date, action: String, workflow: String?, cases: [String], query: String?, purpose: String?) {
        self.actor = actor
        self.at = at
        self.action = action
        self.workflow = workflow
        self.cases = cases
        self.query = query
        self.purpose = purpose
    }
}

/// Which entries `audit access` lists: each given criterion must hold; oldest first.
public struct AccessQuery: Sendable, Hashable {
    public var caseReference: String?
    public var actor: String?
    public var from: Date?
    /// Exclusive.
    public var until: Date?
    public var limit: Int

    public init(caseReference: String? = nil, actor: String? = nil, from: Date? = nil, until: Date? = nil, limit: Int = 1000) {
        self.caseReference = caseReference
        self.actor = actor
        self.from = from
        self.until = until
        self.limit = limit
    }
}

/// The access log: append-only, like the history (the database refuses to change or delete an entry).
///
/// Part of `CaseStore`; each backend conforms in its own files.
public protocol AccessLogStore: Sendable {
    func recordAccess(_ entry: AccessEntry) async throws
    func accessLog(_ query: AccessQuery) async throws -> [AccessEntry]
}
