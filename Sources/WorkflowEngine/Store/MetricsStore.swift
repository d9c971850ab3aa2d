/// Manager's figures: stage counts as of a date, flows, durations, outcome totals.
///
/// Part of `CaseStore`; each backend conforms in its own files.
public protocol MetricsStore: Sendable {}
