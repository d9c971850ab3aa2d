import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// One log line per request, after its response: request id, method, route (the pattern, e.g. `/v1/cases/{ref}`, not
/// the path), status, duration in milliseconds, and the user it acted as once a token or a web session named them.
/// Never a header's or a body's content. The request id comes from `X-Request-Id` when the client sent a short one of letters, digits and `-`, else is made here; the response
/// carries it back. The same figures go to the Prometheus metrics.
struct RequestLog: RouterMiddleware {
    typealias Context = APIRequestContext
    static var requestIDField: HTTPField.Name { HTTPField.Name("X-Request-Id")! }

    let logger: Logger
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let given = request.headers[Self.requestIDField]
        let id = given.flatMap { $0.utf8.count <= 64 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } ? $0 : nil }
            ?? UUID().uuidString.lowercased()
        var status = 500
        metrics.requestStarted()
        defer {
            let elapsed = ContinuousClock.now - started
            let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            let route = context.endpointPath ?? "unmatched"
            var fields: Logger.Metadata = [
                "requestId": .string(id), "method": .string(request.method.rawValue),
                "route": .string(route), "status": .stringConvertible(status),
                "durationMs": .stringConvertible(Tenths(milliseconds)),
            ]
            if let user = context.user.current { fields["user"] = .string(user) }
            logger.info("request", metadata: fields)
            metrics.requestEnded()
            metrics.request(method: request.method.rawValue, route: route, status: status, duration: elapsed)
        }
        var context = context
        context.requestID = id
        do {
            var response = try await next(request, context)
            status = response.status.code
            response.headers[Self.requestIDField] = id
            return response
        } catch let error as any HTTPResponseError {
            status = error.status.code
            throw error
        }
    }
}
