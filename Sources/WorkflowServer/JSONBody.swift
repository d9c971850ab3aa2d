import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WorkflowEngine

/// Request and response bodies: JSON objects, checked key by key so that a mistyped key is refused rather than
/// ignored, and never echoed (a body may hold personal values).
enum JSONBody {
    static func object(_ request: Request, _ context: APIRequestContext, accepting keys: [String], emptyAllowed: Bool = false) async throws -> FieldValues {
        let expected = "send Content-Type application/json with an object of \(keys.joined(separator: ", "))"
        try MediaType.require(request, { $0 == "application/json" || $0.hasSuffix("+json") }, expected: expected)
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        if buffer.readableBytes == 0 && emptyAllowed { return [:] }
        guard let text = utf8Text(buffer) else {
            throw WorkflowError(.usage, "the body is not UTF-8 text: \(expected)")
        }
        let parsed: JSONValue
        do {
            parsed = try JSONValue(strict: text)
        } catch {
            // The parser names what it found and where, never the text around it.
            throw WorkflowError(error.isBeyondLimits ? .invalidData : .usage, "the body is not accepted JSON: \(error.reason); \(expected)")
        }
        guard case .object(let members) = parsed else { throw WorkflowError(.usage, "the body is not a JSON object: \(expected)") }
        if let unknown = members.keys.sorted().first(where: { !keys.contains($0) }) {
            throw WorkflowError(.usage, "the body's key \(InputText.quoted(unknown)) is not accepted here; keys: \(keys.joined(separator: ", "))")
        }
        return members
    }

    /// A body's bytes as text: invalid UTF-8 is nil (refused, never repaired); a leading byte order mark is dropped,
    /// as RFC 8259 allows. The one rule for JSON bodies and the web pages' forms alike.
    static func utf8Text(_ buffer: ByteBuffer) -> String? {
        var bytes = buffer.readableBytesView
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        return String(validating: bytes, as: UTF8.self)
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

    /// JSON text written by the engine's writer (members sorted): the cases' shape, on the hot path.
    static func response(_ status: HTTPResponse.Status, bytes: [UInt8]) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func response(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
