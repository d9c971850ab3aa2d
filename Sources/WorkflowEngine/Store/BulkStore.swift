/// Bulk import and export of cases.
///
/// Part of `CaseStore`; each backend conforms in its own files.
public protocol BulkStore: Sendable {}
