import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WorkflowEngine

/// The one mapping from the engine's refusals (and rsoctl's exit codes) to HTTP statuses.
extension WorkflowError.Code {
    public var httpStatus: HTTPResponse.Status {
        switch self {
        case .usage: .badRequest
        case .invalidData, .guardFailed: .unprocessableContent
        case .notFound: .notFound
        case .notAllowed, .conflict: .conflict
        case .forbidden: .forbidden
        case .unavailable, .temporary: .serviceUnavailable
        default: .internalServerError
        }
    }
}

/// A refusal the server itself makes (no token, a bad body): a status, a sentence, and headers to add.
struct APIRefusal: Error {
    let status: HTTPResponse.Status
    let detail: String
    var headers: HTTPFields = [:]
}

/// Turns every error a route throws into an RFC 9457 problem: a `WorkflowError` by its code (the same sentence and
/// details rsoctl prints, and `exitCode` for cross-reference), the server's own refusals, Hummingbird's (no such
/// route, a body too large), and anything else as 500 naming only the error's type (its text may hold values).
struct ProblemMiddleware<Context: Hummingbird.RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as WorkflowError {
            var extra: [String: Any] = ["exitCode": Int(error.exitCode)]
            if !error.details.isEmpty { extra["details"] = error.details }
            var response = Problem.response(error.code.httpStatus, detail: error.message, extra: extra)
            if error.code == .unavailable || error.code == .temporary { response.headers[.retryAfter] = "5" }
            return response
        } catch let refusal as APIRefusal {
            var response = Problem.response(refusal.status, detail: refusal.detail)
            response.headers.append(contentsOf: refusal.headers)
            return response
        } catch let error as any HTTPResponseError {
            let allowed = OpenAPIDocument.methods(allowedOn: request.uri.path)
            if error.status == .notFound || error.status == .methodNotAllowed, !allowed.isEmpty {
                var response = Problem.response(
                    .methodNotAllowed, detail: "\(request.method.rawValue) is not allowed on \(InputText.quoted(request.uri.path)); it takes \(allowed.joined(separator: ", "))")
                response.headers[.allow] = allowed.joined(separator: ", ")
                return response
            }
            let detail = switch error.status {
            case .notFound: "no route \(request.method.rawValue) \(InputText.quoted(request.uri.path)): /openapi.yaml lists the API's routes"
            case .contentTooLarge: "the body is larger than \(APILimits.body / 1024) KiB"
            default: error.status.reasonPhrase
            }
            return Problem.response(error.status, detail: detail)
        } catch is CancellationError {
            return Problem.response(.serviceUnavailable, detail: "the request was cancelled before it finished (the server is stopping); a write not yet committed was rolled back: retry")
        } catch {
            let type = String(reflecting: Swift.type(of: error))
            if WorkflowError.isDriverError(error) {
                var response = Problem.response(.serviceUnavailable, detail: "the database connection failed (\(type)): retry")
                response.headers[.retryAfter] = "5"
                return response
            }
            return Problem.response(.internalServerError, detail: "internal error (\(type)): this is a defect, please report it with the request that caused it")
        }
    }
}
