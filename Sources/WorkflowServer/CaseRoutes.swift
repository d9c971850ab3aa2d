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

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("cases") { request, context in try await open(request, context) }
        group.get("cases/{reference}") { request, context in
            let record = try await engine.show(try reference(context), as: try actor(context), purpose: purpose(request))
            return try await caseResponse(record, status: .ok)
        }
        group.get("cases/{reference}/history") { request, context in
            let (record, events) = try await engine.history(try reference(context), as: try actor(context), purpose: purpose(request))
            return JSONBody.response(.ok, HistoryView(record, events))
        }
        group.post("cases/{reference}/transitions/{transition}") { request, context in try await advance(request, context) }
    }

    private func open(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let body = try await JSONBody.object(request, context, accepting: ["workflow", "fields", "parent"])
        guard case .string(let workflow)? = body["workflow"] else {
            throw WorkflowError(.usage, "the body needs \"workflow\": the workflow's id as text, e.g. \"avrr\"")
        }
        let parent = try JSONBody.text(body, "parent")
        let record = try await engine.open(
            workflow, fields: try JSONBody.fields(body), parent: parent.map(CaseLocator.init), as: try actor(context),
            idempotencyKey: idempotencyKey(request))
        var response = try await caseResponse(record, status: .created)
        response.headers[.location] = "/v1/cases/\(record.reference)"
        return response
    }

    private func advance(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let body = try await JSONBody.object(request, context, accepting: ["fields", "reason"], emptyAllowed: true)
        let transition = try context.parameters.require("transition")
        let record = try await engine.advance(
            try reference(context), transition, fields: try JSONBody.fields(body), reason: try JSONBody.text(body, "reason"),
            as: try actor(context), expectedVersion: try expectedVersion(request), idempotencyKey: idempotencyKey(request))
        return try await caseResponse(record, status: .ok)
    }

    private func caseResponse(_ record: CaseRecord, status: HTTPResponse.Status) async throws -> Response {
        var response = JSONBody.response(status, try await CaseView.of(record, in: engine))
        response.headers[.eTag] = "\"\(record.version)\""
        return response
    }

    private func actor(_ context: APIRequestContext) throws -> String {
        guard let actor = context.actor else { throw APIRefusal(status: .unauthorized, detail: "no token was checked for this request") }
        return actor
    }

    private func reference(_ context: APIRequestContext) throws -> CaseLocator {
        CaseLocator(try context.parameters.require("reference"))
    }

    private func purpose(_ request: Request) -> String? { request.uri.queryParameters["purpose"].map(String.init) }

    private func idempotencyKey(_ request: Request) -> String? { request.headers[HTTPField.Name("Idempotency-Key")!] }

    /// `If-Match: "3"` (or `3`): the version the client last saw; a `*` or no header checks nothing.
    private func expectedVersion(_ request: Request) throws -> Int? {
        guard let header = request.headers[.ifMatch]?.trimmingCharacters(in: .whitespaces), header != "*" else { return nil }
        let unquoted = header.hasPrefix("\"") && header.hasSuffix("\"") && header.count >= 2 ? String(header.dropFirst().dropLast()) : header
        guard let version = Int(unquoted), version > 0 else {
            throw WorkflowError(.usage, "If-Match \(InputText.quoted(header)) is not a case version: give the ETag of the case as read, e.g. \"3\"")
        }
        return version
    }
}

/// Request and response bodies: JSON objects, checked key by key so that a mistyped key is refused rather than
/// ignored, and never echoed (a body may hold personal values).
enum JSONBody {
    static func object(_ request: Request, _ context: APIRequestContext, accepting keys: [String], emptyAllowed: Bool = false) async throws -> FieldValues {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        if buffer.readableBytes == 0 && emptyAllowed { return [:] }
        // Invalid UTF-8 is refused, not repaired.
        guard let text = String(bytes: buffer.readableBytesView, encoding: .utf8), case .object(let members)? = try? JSONValue(strict: text) else {
            throw WorkflowError(.usage, "the body is not a JSON object: send Content-Type application/json with an object of \(keys.joined(separator: ", "))")
        }
        if let unknown = members.keys.sorted().first(where: { !keys.contains($0) }) {
            throw WorkflowError(.usage, "the body's key \(InputText.quoted(unknown)) is not accepted here; keys: \(keys.joined(separator: ", "))")
        }
        return members
    }

    static func fields(_ body: FieldValues) throws -> FieldValues {
        switch body["fields"] {
        case nil, .null?: return [:]
        case .object(let fields)?: return fields
        default: throw WorkflowError(.usage, "\"fields\" must be a JSON object of field names and values")
        }
    }

    static func text(_ body: FieldValues, _ key: String) throws -> String? {
        switch body[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw WorkflowError(.usage, "\"\(key)\" must be text")
        }
    }

    static func response(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
