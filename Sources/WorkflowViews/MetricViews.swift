import WorkflowEngine

/// The `metrics stages` JSON shape: `{"workflow", "asOf", "stages": [{"state", "count", "by"?}]}`.
public struct StageReportView: Encodable, Sendable {
    public struct Stage: Encodable, Sendable {
        public let state: String
        public let count: Int
        public let by: [String: Int]?
    }

    public let workflow: String
    public let asOf: String?
    public let stages: [Stage]

    public init(_ report: StageReport) {
        workflow = report.workflow
        asOf = report.asOf
        stages = report.stages.map { Stage(state: $0.state, count: $0.count, by: $0.by) }
    }

    public func encode(to encoder: any Encoder) throws {
        enum Keys: String, CodingKey { case workflow, asOf, stages }
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(workflow, forKey: .workflow)
        try container.encode(asOf, forKey: .asOf)  // null, never omitted: dashboards read it
        try container.encode(stages, forKey: .stages)
    }
}

/// The `metrics flow` JSON shape: `{"workflow", "into", "from", "to", "count", "by"?}`.
public struct FlowReportView: Encodable, Sendable {
    public let workflow: String
    public let into: String
    public let from: String
    public let to: String
    public let count: Int
    public let by: [String: Int]?

    public init(_ report: FlowReport) {
        workflow = report.workflow
        into = report.into
        from = report.from
        to = report.to
        count = report.count
        by = report.by
    }
}

/// The `metrics durations` JSON shape: `{"workflow", "to"?, "durations": [{"state", "count", "medianDays", "p90Days"}]}`.
public struct DurationReportView: Encodable, Sendable {
    public struct Entry: Encodable, Sendable {
        public let state: String
        public let count: Int
        public let medianDays: Double?
        public let p90Days: Double?
    }

    public let workflow: String
    public let to: String?
    public let durations: [Entry]

    public init(_ report: DurationReport) {
        workflow = report.workflow
        to = report.toState
        durations = report.durations.map { stats in
            // Days to the hundredth: finer than a caseworker needs, stable across backends.
            let days = { (seconds: Double) in (seconds / 864).rounded() / 100 }
            return Entry(state: stats.state, count: stats.count,
                         medianDays: stats.count == 0 ? nil : days(stats.medianSeconds),
                         p90Days: stats.count == 0 ? nil : days(stats.p90Seconds))
        }
    }
}

/// The `metrics outcomes` JSON shape: `{"workflow", "totals", "by"?}`.
public struct OutcomeReportView: Encodable, Sendable {
    public let workflow: String
    public let totals: [String: Int]
    public let by: [String: [String: Int]]?

    public init(_ report: OutcomeReport) {
        workflow = report.workflow
        totals = report.totals
        by = report.by
    }
}

/// The `report` JSON shape: `{"report", "rows": [{column: value}]}`.
public struct ReportView: Encodable, Sendable {
    public let report: String
    public let rows: [[String: JSONValue]]

    public init(_ name: String, _ table: ReportTable) {
        report = name
        rows = table.rows.map { Dictionary(uniqueKeysWithValues: zip(table.columns, $0)) }
    }
}
