/// Timers: claiming due cases so that each fires once.
///
/// Part of `CaseStore`; each backend conforms in its own files.
public protocol TimerStore: Sendable {}
