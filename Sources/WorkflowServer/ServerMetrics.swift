import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import Prometheus
import WorkflowEngine

/// What `/metrics` exposes, in Prometheus's text format, every name prefixed `rso_`: requests by route and status
/// with their latencies, transitions and refusals by workflow, timers fired, requests in flight, and cases per state
/// of every workflow (read from the stage summary at each scrape). Labels carry routes, workflows, transitions,
/// states and exit codes: never a reference or a field's value.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let inFlight: Gauge
    private let poolSize: Gauge
    private let poolInUse: Gauge

    /// Request latency buckets, in seconds: a read takes about a millisecond, a write a few.
    static let latencyBuckets: [Duration] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10].map {
        .nanoseconds(Int64($0 * 1e9))
    }

    public init(poolConnections: Int? = nil) {
        inFlight = registry.makeGauge(descriptor: .init(
            namespace: "rso", metricName: "http_requests_in_flight", unitName: "", helpText: "Requests being answered now."))
        poolSize = registry.makeGauge(descriptor: .init(
            namespace: "rso", metricName: "db_pool_connections", unitName: "",
            helpText: "Database connections the server holds (PostgreSQL: the --pool size, all opened at start; SQLite: 0)."))
        poolSize.set(Int64(poolConnections ?? 0))
        poolInUse = registry.makeGauge(descriptor: .init(
            namespace: "rso", metricName: "db_pool_connections_in_use", unitName: "",
            helpText: "Database connections answering a statement now (PostgreSQL; SQLite: 0)."))
    }

    /// The series made so far, by metric name and label values: found again in one dictionary rather than asked of the
    /// registry, which joins the name and compares the labels, at every request.
    private let counters = NIOLockedValueBox<[[String]: Counter]>([:])
    private let histograms = NIOLockedValueBox<[[String]: DurationHistogram]>([:])

    /// The counter of `metricName` (unit `total`) with these labels, made the first time.
    private func counter(_ metricName: String, help: String, labels: [(String, String)]) -> Counter {
        let key = [metricName] + labels.map(\.1)
        if let known = counters.withLockedValue({ $0[key] }) { return known }
        let made = registry.makeCounter(
            descriptor: .init(namespace: "rso", metricName: metricName, unitName: "total", helpText: help), labels: labels)
        counters.withLockedValue { $0[key] = made }
        return made
    }

    /// One answered request; `route` is the pattern (`/v1/cases/{reference}`), not the path.
    func request(method: String, route: String, status: Int, duration: Duration) {
        counter("http_requests", help: "Requests answered, by method, route and status.",
                labels: [("method", method), ("route", route), ("status", String(status))]).increment()
        latency(method: method, route: route).record(duration)
    }

    /// The latency histogram of a method and route, made the first time.
    private func latency(method: String, route: String) -> DurationHistogram {
        let key = [method, route]
        if let known = histograms.withLockedValue({ $0[key] }) { return known }
        let made = registry.makeDurationHistogram(
            descriptor: .init(namespace: "rso", metricName: "http_request_duration", unitName: "seconds",
                              helpText: "Time to answer a request, by method and route."),
            labels: [("method", method), ("route", route)], buckets: Self.latencyBuckets)
        histograms.withLockedValue { $0[key] = made }
        return made
    }

    func requestStarted() { inFlight.increment() }
    func requestEnded() { inFlight.decrement() }

    /// A transition made through the API.
    func transition(workflow: String, transition: String) {
        counter("transitions", help: "Transitions made through the API, by workflow and transition.",
                labels: [("workflow", workflow), ("transition", transition)]).increment()
    }

    /// A write the engine refused, with rsoctl's exit code for it (`unknown` for a workflow or transition that is not
    /// one of the registered names: a case not found, a name mistyped).
    func refusal(workflow: String, transition: String, exitCode: Int32) {
        counter("refusals", help: "Writes refused, by workflow, transition (or open, update, record) and exit code.",
                labels: [("workflow", workflow), ("transition", transition), ("code", String(exitCode))]).increment()
    }

    /// Timer transitions this server's timer loop made (`rsoctl serve --timers`).
    func timerFired(workflow: String, transition: String) {
        counter("timers_fired", help: "Timer transitions fired by this server, by workflow and transition.",
                labels: [("workflow", workflow), ("transition", transition)]).increment()
    }

    /// The exposition text, with the case gauges read now from the stage summary (one grouped query per workflow), and
    /// the pool's connections in use as they are now (this scrape's own queries done).
    func render(engine: Engine) async throws -> String {
        for workflow in engine.registry.workflows {
            let counts = try await engine.store.stageCounts(workflow: workflow.id, by: nil)
            for state in workflow.states {
                let count = counts.filter { $0.state == state.name }.reduce(0) { $0 + $1.count }
                registry.makeGauge(descriptor: .init(namespace: "rso", metricName: "cases", unitName: "",
                                                     helpText: "Cases standing in each state of each workflow now."),
                                   labels: [("workflow", workflow.id), ("state", state.name)]).set(Int64(count))
            }
        }
        poolInUse.set(Int64(engine.store.connectionsInUse ?? 0))
        return registry.emitToString()
    }

    func register(on router: Router<APIRequestContext>, engine: Engine) {
        router.get("/metrics") { _, _ in
            let text = try await self.render(engine: engine)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
