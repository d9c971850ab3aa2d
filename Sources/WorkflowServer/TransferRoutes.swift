import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import WorkflowEngine
import WorkflowViews

/// `/v1/imports/{workflow}` and `/v1/exports/{workflow}`: `rsoctl import` and `export`, with the CSV file as the
/// request's or the response's body.
struct TransferRoutes: Sendable {
    let engine: Engine
    /// `--request-timeout`: an export's client must take each chunk within it.
    let requestTimeout: Duration

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("imports/{workflow}") { request, context in try await importCases(request, context) }
        group.get("exports/{workflow}") { request, context in try await export(request, context) }
    }

    /// `POST /v1/imports/{workflow}?again=&name=` with a CSV body: every row opened, or none. The body is written to a
    /// private temporary file (the engine reads an import twice, and never holds it whole), removed when the import
    /// ends, whatever its outcome.
    private func importCases(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let query = try QueryParameters(request, accepting: ["again", "name"])
        let workflow = try workflow(context)
        try Self.requireCSV(request)
        let (again, name) = (try query.flag("again"), try query.text("name") ?? "the uploaded file")
        let actor = try context.requireActor()
        let summary = try await Upload.withFile(of: request.body, limit: APILimits.importBody, context: context) { path in
            try await engine.importCases(
                workflow, from: path, named: name, as: actor, again: again,
                idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!])
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
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            let out = ChunkedWriter(writer, stallLimit: requestTimeout)
            out.append(document.opening)
            try await export.run { exported in
                try await out.write(document.piece(exported, index: out.items))
            }
            out.append(document.closing)
            writer = out.writer
            try await out.flush()
            try await writer.finish(nil)
        })
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

/// An export's rows, gathered into chunks of about 64 KiB before they are written: a write per row would cost a
/// syscall and a chunk header each. A chunk the client has not taken within `stallLimit` ends the export
/// (`ExportStalled`). Used by one task at a time (the store hands over one row at a time and waits, and a chunk's
/// write is awaited before the next row), hence unchecked.
private final class ChunkedWriter: @unchecked Sendable {
    var writer: any ResponseBodyWriter
    private let stallLimit: Duration
    private var buffer = ByteBuffer()
    private(set) var items = 0

    init(_ writer: any ResponseBodyWriter, stallLimit: Duration) {
        self.writer = writer
        self.stallLimit = stallLimit
    }

    func append(_ text: String) { buffer.writeString(text) }

    func write(_ item: String) async throws {
        buffer.writeString(item)
        items += 1
        if buffer.readableBytes >= 1 << 16 { try await flush() }
    }

    func flush() async throws {
        guard buffer.readableBytes > 0 else { return }
        let chunk = buffer
        buffer = ByteBuffer()
        let limit = stallLimit
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { try await self.writer.write(chunk); return true }
            group.addTask {
                try await RequestDeadline<APIRequestContext>.sleep(for: limit)
                return false
            }
            defer { group.cancelAll() }
            guard try await group.next() == true else { throw ExportStalled(limit: limit) }
        }
    }
}

/// The client took no chunk of an export for this long: the export is stopped and its connection released.
struct ExportStalled: Error {
    let limit: Duration
}

/// A request body saved to a file of its own, in a directory only this process's user may read (the body holds
/// personal data), and removed afterwards.
enum Upload {
    static func withFile<Result>(
        of body: RequestBody, limit: Int, context: APIRequestContext, _ use: (String) async throws -> Result
    ) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rso-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("body.csv").path
        let limited = LimitedBody(body: body, limit: limit)
        do {
            try await FileIO().writeFile(contents: limited, path: path, context: context)
        } catch {
            // The file system wraps what the body's sequence throws; the limit is told apart by its own flag.
            if limited.exceeded.withLockedValue({ $0 }) {
                throw APIRefusal(status: .contentTooLarge, detail: "the body is larger than \(limit >> 20) MiB: split the file, or import it with rsoctl import")
            }
            throw error
        }
        return try await use(path)
    }
}

/// A request body that fails once it has given more than `limit` bytes, and says so in `exceeded`.
struct LimitedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let body: RequestBody
    let limit: Int
    let exceeded = NIOLockedValueBox(false)

    struct BeyondLimit: Error {}

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let limit: Int
        let exceeded: NIOLockedValueBox<Bool>
        var total = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let buffer = try await base.next() else { return nil }
            total += buffer.readableBytes
            guard total <= limit else {
                exceeded.withLockedValue { $0 = true }
                throw BeyondLimit()
            }
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: body.makeAsyncIterator(), limit: limit, exceeded: exceeded) }
}
