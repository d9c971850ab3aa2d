import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WorkflowEngine
import WorkflowViews

/// The managers' dashboard, one per workflow: cases per stage now and as of a chosen day (a bar chart and its table),
/// overdue cases per stage, time spent in each stage (median and 90th percentile), the flow into a stage over a
/// period, and outcome totals where the workflow counts outcomes. Every figure is the engine's, the same the CLI's
/// `rsoctl metrics` prints, and each table is also a CSV download.
extension WebRoutes {
    /// What the dashboard's query asks: empty inputs (a form sends them) count as not given.
    struct DashboardQuery {
        let asOf: SimpleDate?
        let into: String?
        let from: SimpleDate?
        let to: SimpleDate?

        init(_ request: Request) throws {
            let query = try QueryParameters(request, accepting: ["asOf", "into", "from", "to"], form: true)
            func given(_ name: String) throws -> String? { try query.text(name).flatMap { $0.isEmpty ? nil : $0 } }
            func day(_ name: String) throws -> SimpleDate? {
                guard let text = try given(name) else { return nil }
                guard let day = SimpleDate(text) else {
                    throw WorkflowError(.invalidData, "\(name) '\(InputText.quoted(text))' is not an accepted day: give YYYY-MM-DD within \(InputLimits.dateRange)")
                }
                return day
            }
            asOf = try day("asOf")
            into = try given("into")
            from = try day("from")
            to = try day("to")
        }

        /// What a query value keeps unencoded: a day or a state name reads as itself.
        static let plain = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))

        /// The query again, for the CSV links: the same figures as the page.
        var string: String {
            let pairs = [("asOf", asOf?.description), ("into", into), ("from", from?.description), ("to", to?.description)]
            let given = pairs.compactMap { name, value in value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: Self.plain) ?? $0)" } }
            return given.isEmpty ? "" : "?" + given.joined(separator: "&")
        }
    }

    /// The figures of one dashboard, read once for the page or a CSV.
    struct DashboardFigures {
        let definition: WorkflowDefinition
        let now: StageReport
        let asOf: StageReport?
        let overdue: StageReport
        let durations: DurationReportView
        let flow: FlowReport?
        let outcomes: OutcomeReport?
        /// For a workflow whose children count outcomes (JPA periods): each case's children's totals.
        let childOutcomes: ChildOutcomes?
    }

    /// Outcome totals of each case's children, as `rsoctl metrics outcomes CHILD --parent REF` gives them.
    struct ChildOutcomes {
        let child: WorkflowDefinition
        let names: [String]
        let rows: [(record: CaseRecord, totals: [String: Int])]
    }

    private func childOutcomes(of definition: WorkflowDefinition, _ query: DashboardQuery, as user: String) async throws -> ChildOutcomes? {
        guard let child = engine.registry.workflows.first(where: { $0.parentWorkflow == definition.id }), let names = child.outcomes?.names
        else { return nil }
        var rows: [(CaseRecord, [String: Int])] = []
        for record in try await engine.list(CaseQuery(workflow: definition.id, limit: 1_000), as: user) {
            let report = try await engine.outcomeTotals(child.id, parent: .id(record.id), from: query.from, to: query.to, by: nil, as: user)
            rows.append((record, report.totals))
        }
        return ChildOutcomes(child: child, names: names, rows: rows)
    }

    func dashboardFigures(_ workflow: String, _ query: DashboardQuery, as user: String) async throws -> DashboardFigures {
        let definition = try engine.registry.workflow(WorkflowID.parse(workflow))
        let id = definition.id
        var flow: FlowReport? = nil
        if let into = query.into {
            guard let from = query.from, let to = query.to else {
                throw WorkflowError(.usage, "a flow needs its period: give from and to as well as into")
            }
            flow = try await engine.flow(id, into: into, from: from, to: to, as: user)
        }
        return DashboardFigures(
            definition: definition,
            now: try await engine.stageCounts(id, as: user),
            asOf: try await query.asOf.asyncMap { try await engine.stageCounts(id, asOf: $0, as: user) },
            overdue: try await engine.overdueCounts(id, as: user),
            durations: DurationReportView(try await engine.durations(id, as: user)),
            flow: flow,
            outcomes: definition.outcomes == nil ? nil : try await engine.outcomeTotals(id, parent: nil, from: query.from, to: query.to, by: nil, as: user),
            childOutcomes: try await childOutcomes(of: definition, query, as: user))
    }

    func dashboard(_ request: Request, _ workflow: String, _ signedIn: SignedIn) async throws -> Response {
        let query = try DashboardQuery(request)
        let figures = try await dashboardFigures(workflow, query, as: signedIn.user.name)
        let definition = figures.definition
        let days = { (value: Double?) in value.map { String(format: "%.1f", $0) } ?? "" }
        let base = "/dashboard/\(definition.id)"
        var page = DashboardPage(
            user: signedIn.header,
            workflows: engine.registry.workflows.map { SelectOption(value: $0.id, text: $0.title, selected: $0.id == definition.id) },
            workflow: definition.id, title: definition.title,
            asOf: query.asOf?.description ?? "", into: query.into ?? "", from: query.from?.description ?? "", to: query.to?.description ?? "",
            states: definition.states.map { SelectOption(value: $0.name, text: $0.name, selected: $0.name == query.into) },
            now: figures.now.stages.map { DashboardPage.Count(state: $0.state, count: $0.count) },
            asOfCounts: figures.asOf?.stages.map { DashboardPage.Count(state: $0.state, count: $0.count) } ?? [],
            chart: BarChart(title: "Cases per stage, now" + (query.asOf.map { " and at the end of \($0)" } ?? ""),
                            labels: figures.now.stages.map(\.state),
                            series: [("now", figures.now.stages.map(\.count))] + (figures.asOf.map { [("\($0.asOf ?? "")", $0.stages.map(\.count))] } ?? [])).svg,
            overdue: figures.overdue.stages.map { DashboardPage.Count(state: $0.state, count: $0.count) },
            durations: figures.durations.durations.map { DashboardPage.Duration(state: $0.state, count: $0.count, median: days($0.medianDays), p90: days($0.p90Days)) },
            flowCount: figures.flow.map { String($0.count) } ?? "",
            outcomes: figures.outcomes.map { report in (figures.definition.outcomes?.names ?? []).map { DashboardPage.Count(state: $0, count: report.totals[$0] ?? 0) } } ?? [],
            csv: base, query: query.string)
        if let children = figures.childOutcomes {
            page.childTitle = children.child.title
            page.childOutcomeNames = children.names.map(PageText.label)
            page.childTotals = children.rows.map { record, totals in
                DashboardPage.ChildTotal(reference: record.reference, name: record.fields["name"]?.plainText ?? "", counts: children.names.map { totals[$0] ?? 0 })
            }
        }
        return WebResponse.html(.ok, PageTemplates.render(page, "dashboard"))
    }

    /// One table of the dashboard as CSV, with a header row: `stages`, `overdue`, `durations`, `flow`, `outcomes`.
    func dashboardCSV(_ request: Request, _ workflow: String, _ table: String, _ signedIn: SignedIn) async throws -> Response {
        let query = try DashboardQuery(request)
        let figures = try await dashboardFigures(workflow, query, as: signedIn.user.name)
        var rows: [[String]]
        switch table {
        case "stages":
            rows = [["state", "count now"] + (figures.asOf.map { ["count at end of \($0.asOf ?? "")"] } ?? [])]
            for (index, stage) in figures.now.stages.enumerated() {
                rows.append([stage.state, String(stage.count)] + (figures.asOf.map { [String($0.stages[index].count)] } ?? []))
            }
        case "overdue":
            rows = [["state", "overdue"]] + figures.overdue.stages.map { [$0.state, String($0.count)] }
        case "durations":
            rows = [["state", "count", "median days", "p90 days"]] + figures.durations.durations.map {
                [$0.state, String($0.count), $0.medianDays.map { String($0) } ?? "", $0.p90Days.map { String($0) } ?? ""]
            }
        case "flow":
            guard let flow = figures.flow else { throw WorkflowError(.usage, "a flow needs into, from and to") }
            rows = [["into", "from", "to", "count"], [flow.into, flow.from, flow.to, String(flow.count)]]
        case "outcomes":
            guard let report = figures.outcomes else { throw WorkflowError(.notFound, "\(figures.definition.id) counts no outcomes") }
            rows = [["outcome", "total"]] + (figures.definition.outcomes?.names ?? []).map { [$0, String(report.totals[$0] ?? 0)] }
        case "children":
            guard let children = figures.childOutcomes else { throw WorkflowError(.notFound, "no workflow's outcomes are counted under \(figures.definition.id) cases") }
            rows = [["reference"] + children.names] + children.rows.map { record, totals in [record.reference] + children.names.map { String(totals[$0] ?? 0) } }
        default:
            throw WorkflowError(.notFound, "no table \(InputText.quoted(table)); tables: stages, overdue, durations, flow, outcomes, children")
        }
        let text = rows.map(CSVWriter.record).joined()
        var headers: HTTPFields = [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store"]
        headers[.contentDisposition] = "attachment; filename=\"\(figures.definition.id)-\(table).csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

struct DashboardPage: Sendable {
    struct Count: Sendable {
        let state: String
        let count: Int
    }

    struct ChildTotal: Sendable {
        let reference: String
        let name: String
        let counts: [Int]
    }

    struct Duration: Sendable {
        let state: String
        let count: Int
        let median: String
        let p90: String
    }

    let user: SignedInView?
    let workflows: [SelectOption]
    let workflow: String
    let title: String
    let asOf: String
    let into: String
    let from: String
    let to: String
    let states: [SelectOption]
    let now: [Count]
    let asOfCounts: [Count]
    let hasAsOf: Bool
    let chart: String
    let overdue: [Count]
    let durations: [Duration]
    let flowCount: String
    let hasFlow: Bool
    let outcomes: [Count]
    let hasOutcomes: Bool
    let csv: String
    let query: String
    /// The outcome tables' period in words ("recorded from 2016-01-01 to 2016-12-31"); nil when none was given.
    let period: String?
    var childTitle = ""
    var childOutcomeNames: [String] = []
    var childTotals: [ChildTotal] = [] { didSet { hasChildTotals = !childTotals.isEmpty } }
    private(set) var hasChildTotals = false

    init(user: SignedInView?, workflows: [SelectOption], workflow: String, title: String, asOf: String, into: String,
         from: String, to: String, states: [SelectOption], now: [Count], asOfCounts: [Count], chart: String,
         overdue: [Count], durations: [Duration], flowCount: String, outcomes: [Count], csv: String, query: String) {
        (self.user, self.workflows, self.workflow, self.title) = (user, workflows, workflow, title)
        (self.asOf, self.into, self.from, self.to, self.states) = (asOf, into, from, to, states)
        (self.now, self.asOfCounts, self.chart, self.overdue, self.durations) = (now, asOfCounts, chart, overdue, durations)
        (self.flowCount, self.outcomes, self.csv, self.query) = (flowCount, outcomes, csv, query)
        hasAsOf = !asOfCounts.isEmpty
        period = from.isEmpty && to.isEmpty ? nil : "recorded" + (from.isEmpty ? "" : " from \(from)") + (to.isEmpty ? "" : " to \(to)")
        hasFlow = !flowCount.isEmpty
        hasOutcomes = !outcomes.isEmpty
    }
}
