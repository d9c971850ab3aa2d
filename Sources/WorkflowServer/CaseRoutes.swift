import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WorkflowEngine
import WorkflowViews

/// `/v1/cases`: open, show, advance and read the history of cases, as `rsoctl case` does, answering with the same JSON
/// shapes (`WorkflowViews`). `Idempotency-Key` is the CLI's `--idempotency-key`; `If-Match: "N"` its
/// `--expect-version N`; every case answer carries `ETag: "VERSION"`.
struct CaseRoutes: Sendable {
    let engine: Engine
    let metrics: ServerMetrics

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("cases") { request, context in try await open(request, context) }
        group.get("cases") { request, context in try await list(request, context) }
        group.get("cases/{reference}") { request, context in
            let query = try QueryParameters(request, accepting: ["purpose"])
            let record = try await engine.show(try reference(context), as: try actor(context), purpose: try query.purpose)
            return try await caseResponse(record, status: .ok)
        }
        group.patch("cases/{reference}") { request, context in try await update(request, context) }
        group.get("cases/{reference}/history") { request, context in
            let query = try QueryParameters(request, accepting: ["purpose"])
            let (record, events) = try await engine.history(try reference(context), as: try actor(context), purpose: try query.purpose)
            return JSONBody.response(.ok, HistoryView(record, events))
        }
        group.post("cases/{reference}/transitions/{transition}") { request, context in try await advance(request, context) }
        group.post("cases/{reference}/outcomes/{outcome}") { request, context in try await record(request, context) }
    }

    private func open(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let body = try await JSONBody.object(request, context, accepting: ["workflow", "fields", "parent"])
        guard case .string(let workflow)? = body["workflow"] else {
            throw WorkflowError(.usage, "the body needs \"workflow\": the workflow's id as text, e.g. \"avrr\"")
        }
        let parent = try JSONBody.text(body, "parent")
        let record = try await counted("open", workflow: { WorkflowID.parse(workflow) }) {
            try await engine.open(
                WorkflowID.parse(workflow), fields: try JSONBody.fields(body), parent: parent.map(CaseLocator.init), as: try actor(context),
                idempotencyKey: request.idempotencyKey)
        }
        var response = try await caseResponse(record, status: .created)
        response.headers[.location] = "/v1/cases/\(record.reference)"
        return response
    }

    private func advance(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let body = try await JSONBody.object(request, context, accepting: ["fields", "reason"], emptyAllowed: true)
        let transition = try context.parameters.require("transition")
        let locator = try reference(context)
        let record = try await counted(transition, workflow: { await workflow(of: locator) }) {
            try await engine.advance(
                locator, transition, fields: try JSONBody.fields(body), reason: try JSONBody.text(body, "reason"),
                as: try actor(context), expectedVersion: try expectedVersion(request), idempotencyKey: request.idempotencyKey)
        }
        metrics.transition(workflow: record.workflow, transition: transition)
        return try await caseResponse(record, status: .ok)
    }

    private func update(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let body = try await JSONBody.object(request, context, accepting: ["fields", "reason"])
        let fields = try JSONBody.fields(body)
        guard !fields.isEmpty else {
            throw WorkflowError(.usage, "an update needs \"fields\": an object of at least one field and its new value (null clears)")
        }
        let locator = try reference(context)
        let record = try await counted("update", workflow: { await workflow(of: locator) }) {
            try await engine.update(
                locator, fields: fields, reason: try JSONBody.text(body, "reason"), as: try actor(context),
                expectedVersion: try expectedVersion(request), idempotencyKey: request.idempotencyKey)
        }
        return try await caseResponse(record, status: .ok)
    }

    private func record(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let body = try await JSONBody.object(request, context, accepting: ["count", "reason"])
        let limit = Decider.largestOutcomeCount
        // JSON does not tell 4 from 4.0: a whole number written with a point is still a whole number.
        let count: Int? = switch body["count"] {
        case .int(let count)?: count
        case .decimal(let number)?: Int(exactly: NSDecimalNumber(decimal: number).doubleValue)
        default: nil
        }
        guard let count else {
            throw WorkflowError(.usage, "the body needs \"count\": a whole number from -\(limit) to \(limit), e.g. 4, or -1 to correct an error")
        }
        let locator = try reference(context)
        let record = try await counted("record", workflow: { await workflow(of: locator) }) {
            try await engine.record(
                locator, outcome: try context.parameters.require("outcome"), count: count,
                reason: try JSONBody.text(body, "reason"), as: try actor(context), idempotencyKey: request.idempotencyKey)
        }
        return try await caseResponse(record, status: .ok)
    }

    /// `GET /v1/cases?workflow=&state=&parent=&overdue=true&field=KEY=VALUE&limit=`: `rsoctl case list`.
    private func list(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let query = try QueryParameters(request, accepting: ["workflow", "state", "parent", "overdue", "field", "limit", "purpose"])
        var filters: [(String, JSONValue)] = []
        for pair in query.all("field") {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw WorkflowError(.usage, "the query parameter field needs KEY=VALUE, e.g. field=host_country=THA")
            }
            let key = String(pair[..<equals])
            guard !filters.contains(where: { $0.0 == key }) else {
                throw WorkflowError(.usage, "the query parameter field gives \(InputText.quoted(key)) twice: give each field once")
            }
            filters.append((key, .string(String(pair[pair.index(after: equals)...]))))
        }
        let actor = try actor(context)
        // One instant for the filter and for each case's lateness, so they agree.
        let now = Date()
        var parentID: UUID?
        if let parent = try query.text("parent") { parentID = try await engine.find(CaseLocator(parent)).id }
        let caseQuery = CaseQuery(
            workflow: try query.text("workflow").map(WorkflowID.parse), state: try query.text("state"), parentID: parentID,
            overdueAt: try query.flag("overdue") ? now : nil, fieldEquals: filters.sorted { $0.0 < $1.0 },
            limit: try query.whole("limit", in: 1...Self.largestPage) ?? 100)
        let records = try await engine.list(caseQuery, as: actor, purpose: try query.purpose)
        return JSONBody.response(.ok, try await CaseListView.of(records, in: engine, now: now))
    }

    /// The most cases one list answers with.
    static let largestPage = 1_000

    /// Runs a write; a refusal by the engine is counted (`rso_refusals_total`) before it goes on to become a problem.
    private func counted(
        _ action: String, workflow: () async -> String, _ write: () async throws -> CaseRecord
    ) async throws -> CaseRecord {
        do {
            return try await write()
        } catch let error as WorkflowError {
            // Labels are names the workflows define, never what a client typed: a label set per made-up name
            // would grow the registry without bound.
            let definition = try? engine.registry.workflow(await workflow())
            let known = ["open", "update", "record"].contains(action) || definition?.transitions.contains { $0.name == action } == true
            metrics.refusal(workflow: definition?.id ?? "unknown", transition: known ? action : "unknown", exitCode: error.exitCode)
            throw error
        }
    }

    /// The workflow of a refused write's case, for its metric label: read only after a refusal; empty if none.
    private func workflow(of locator: CaseLocator) async -> String {
        (try? await engine.find(locator).workflow) ?? ""
    }

    private func caseResponse(_ record: CaseRecord, status: HTTPResponse.Status) async throws -> Response {
        var response = JSONBody.response(status, bytes: try await CaseView.of(record, in: engine).jsonBytes)
        response.headers[.eTag] = "\"\(record.version)\""
        return response
    }

    private func actor(_ context: APIRequestContext) throws -> String { try context.requireActor() }

    private func reference(_ context: APIRequestContext) throws -> CaseLocator {
        CaseLocator(try context.parameters.require("reference"))
    }

    /// `If-Match: "3"` (or `3`): the version the client last saw; a `*` or no header checks nothing. The document's
    /// pattern for the header is this one.
    private func expectedVersion(_ request: Request) throws -> Int? {
        guard let header = request.headers[.ifMatch], header != "*" else { return nil }
        guard let match = header.wholeMatch(of: /"?([1-9][0-9]{0,8})"?/), header.hasPrefix("\"") == header.hasSuffix("\""),
              let version = Int(match.1) else {
            throw WorkflowError(.usage, "If-Match '\(InputText.quoted(header))' is not a case version: give the ETag of the case as read, e.g. \"3\"")
        }
        return version
    }
}
