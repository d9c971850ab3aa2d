import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import WorkflowEngine
import WorkflowViews

/// `/v1/imports/{workflow}` and `/v1/exports/{workflow}`: `rsoctl import` and `export`, with the CSV file as the
/// request's or the response's body.
struct TransferRoutes: Sendable {
    let engine: Engine
    /// `--request-timeout`: an export's client must take each chunk within it.
    let requestTimeout: Duration
    /// The server's log: an export cut short says so there.
    let logger: Logger

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("imports/{workflow}") { request, context in try await importCases(request, context) }
        group.get("exports/{workflow}") { request, context in try await export(request, context) }
    }

    /// `POST /v1/imports/{workflow}?again=&name=` with a CSV body: every row opened, or none. The body is written to a
    /// private temporary file (the engine reads an import twice, and never holds it whole), removed when the import
    /// ends, whatever its outcome. The import itself runs on a thread of its own (`LongWorkExecutor`).
    private func importCases(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let query = try QueryParameters(request, accepting: ["again", "name"])
        let workflow = try workflow(context)
        try Self.requireCSV(request)
        let (again, name) = (try query.flag("again"), try query.text("name") ?? "the uploaded file")
        let actor = try context.requireActor()
        let summary = try await Upload.withFile(of: request.body, limit: APILimits.importBody, context: context) { path in
            // Off the event loops: checking and sealing every row would hold up every socket of one.
            try await withTaskExecutorPreference(LongWorkExecutor.shared) {
                try await engine.importCases(
                    workflow, from: path, named: name, as: actor, again: again,
                    idempotencyKey: request.idempotencyKey)
            }
        }
        return JSONBody.response(.ok, ImportView(summary))
    }

    /// What `format` takes: the CLI's `--format csv|json`, and `excel` for its `--format csv --excel` (one parameter,
    /// so that no combination of valid values is refused).
    enum ExportFormat: String, CaseIterable {
        case csv
        case excel
        case json
    }

    /// `GET /v1/exports/{workflow}?asOf=&format=csv|excel|json&purpose=`: every case, streamed as it is read. Whatever
    /// can refuse the export is checked before the first byte leaves, so a refusal is a problem answer; a failure
    /// half-way (the database lost, or a client that stopped reading for `--request-timeout`, which would otherwise
    /// hold a database connection and its snapshot for ever) ends the connection without the chunked body's end,
    /// which a client sees as an incomplete answer.
    private func export(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let query = try QueryParameters(request, accepting: ["asOf", "format", "purpose"])
        let choice = try query.choice("format", default: ExportFormat.csv)
        let asOf = try query.day("asOf")
        let export = try await engine.prepareExport(try workflow(context), asOf: asOf, as: try context.requireActor(), purpose: try query.purpose)
        let format: ExportDocument.Format = choice == .json ? .json : .csv
        let document = ExportDocument(export.definition, asOf: asOf, format: format, excel: choice == .excel)
        let fileName = "\(export.definition.id)\(asOf.map { "-\($0)" } ?? "").\(format.rawValue)"
        let headers: HTTPFields = [.contentType: document.contentType, .contentDisposition: "attachment; filename=\"\(fileName)\""]
        let (logger, stallLimit, requestID) = (logger, requestTimeout, context.requestID)
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            let out = ChunkedWriter(writer, stallLimit: stallLimit)
            do {
                out.append(document.opening)
                try await export.run { exported in
                    try await out.write(document.piece(exported, index: out.items))
                }
                out.append(document.closing)
                try await out.flush()
            } catch {
                // The request's line already said 200 (it is written when the answer starts): this one says the
                // answer was cut short, and why, by the error's kind only (never a value).
                logger.warning("export stopped", metadata: [
                    "requestId": .string(requestID ?? "?"), "workflow": .string(export.definition.id),
                    "casesRead": .stringConvertible(out.items), "reason": .string(Self.stopReason(out.stalled ?? error)),
                ])
                throw error
            }
            writer = out.writer
            try await writer.finish(nil)
        })
    }

    /// Why an export stopped half-way, for its log line.
    static func stopReason(_ error: any Error) -> String {
        switch error {
        case let stalled as ExportStalled: "the client took no data for \(stalled.limit.spoken) (--request-timeout)"
        case let refusal as WorkflowError: "rsoctl exit code \(refusal.exitCode)"
        default: String(reflecting: type(of: error))
        }
    }

    private func workflow(_ context: APIRequestContext) throws -> String {
        WorkflowID.parse(try context.parameters.require("workflow"))
    }

    /// The media types an import's body may be sent as: CSV, or types that say nothing of the content (no header,
    /// plain text, bytes, and what `curl --data-binary` sends unless told otherwise). The body is read as UTF-8 CSV
    /// whatever a charset parameter says. A body labelled as something else (JSON, a form upload) is 415.
    static let importMediaTypes = ["text/csv", "text/plain", "application/octet-stream", "application/x-www-form-urlencoded"]

    static func requireCSV(_ request: Request) throws {
        try MediaType.require(request, importMediaTypes.contains, expected: "an import's body is CSV: send Content-Type text/csv")
    }
}
