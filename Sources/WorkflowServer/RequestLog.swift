import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

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
            ?? RequestIDs.next()
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

/// Ids for requests that came without one, shaped as a UUID (36 characters): 64 random bits drawn once per process,
/// then a count. UUID() asked the system for 16 random bytes at every request; an id needs only to be unique.
enum RequestIDs {
    private static let processBits = UInt64.random(in: .min ... .max)
    private static let count = Atomic<UInt64>(0)
    private static let hex = Array("0123456789abcdef".utf8)

    static func next() -> String {
        let number = count.add(1, ordering: .relaxed).newValue
        return String(unsafeUninitializedCapacity: 36) { out in
            var end = 0
            for (half, word) in [processBits, number].enumerated() {
                for nibble in 0..<16 {
                    // Dashes where a UUID has them: before hex digits 9, 13, 17 and 21.
                    if [8, 12, 16, 20].contains(half * 16 + nibble) {
                        out[end] = UInt8(ascii: "-")
                        end += 1
                    }
                    out[end] = hex[Int(word >> UInt64(60 - nibble * 4) & 0xF)]
                    end += 1
                }
            }
            return end
        }
    }
}
