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
        } catch {
            let answer = Self.answer(to: error, request)
            // A person in a browser reads the same sentence as a page, not as JSON (a deadline passed, a body too
            // large, the database unreachable behind a web page).
            if WebRoutes.isPage(request.uri.path) {
                var response = WebResponse.problem(answer.status, answer.detail)
                response.headers.append(contentsOf: answer.headers)
                return response
            }
            var response = Problem.response(answer.status, detail: answer.detail, extra: answer.extra)
            response.headers.append(contentsOf: answer.headers)
            return response
        }
    }

    /// The status, the sentence, the problem's extra members and the headers that answer `error`.
    static func answer(to error: any Error, _ request: Request) -> (status: HTTPResponse.Status, detail: String, extra: [String: Any], headers: HTTPFields) {
        switch error {
        case let error as WorkflowError:
            var extra: [String: Any] = ["exitCode": Int(error.exitCode)]
            if !error.details.isEmpty { extra["details"] = error.details }
            let retry: HTTPFields = error.code == .unavailable || error.code == .temporary ? [.retryAfter: "5"] : [:]
            return (error.code.httpStatus, error.message, extra, retry)
        case let refusal as APIRefusal:
            return (refusal.status, refusal.detail, [:], refusal.headers)
        case let error as any HTTPResponseError:
            let allowed = OpenAPIDocument.methods(allowedOn: request.uri.path)
            if error.status == .notFound || error.status == .methodNotAllowed, !allowed.isEmpty {
                return (.methodNotAllowed, "\(request.method.rawValue) is not allowed on \(InputText.quoted(request.uri.path)); it takes \(allowed.joined(separator: ", "))",
                        [:], [.allow: allowed.joined(separator: ", ")])
            }
            let detail = switch error.status {
            case .notFound: "no route \(request.method.rawValue) \(InputText.quoted(request.uri.path)): /openapi.yaml lists the API's routes"
            case .contentTooLarge: "the body is larger than \((WebRoutes.isPage(request.uri.path) ? WebForm.limit : APILimits.body) / 1024) KiB"
            default: error.status.reasonPhrase
            }
            return (error.status, detail, [:], [:])
        case is CancellationError:
            return (.serviceUnavailable, "the request was cancelled before it finished (the server is stopping); a write not yet committed was rolled back: retry", [:], [:])
        default:
            let type = String(reflecting: Swift.type(of: error))
            if WorkflowError.isDriverError(error) {
                return (.serviceUnavailable, "the database connection failed (\(type)): retry", [:], [.retryAfter: "5"])
            }
            return (.internalServerError, "internal error (\(type)): this is a defect, please report it with the request that caused it", [:], [:])
        }
    }
}
