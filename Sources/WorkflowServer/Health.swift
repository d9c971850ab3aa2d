import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WorkflowEngine

/// `/health/live`: the process answers. `/health/ready`: it can serve, i.e. the database answers within
/// `Health.deadline`, every schema version is applied, and the master key is at hand; otherwise 503 with
/// `Retry-After` and a problem body naming each check that failed and what to do.
struct Health: Sendable {
    static let deadline: Duration = .seconds(3)
    let engine: Engine

    func register(on router: Router<APIRequestContext>) {
        router.get("/health/live") { _, _ in JSONResponse.make(.ok, ["status": "live"]) }
        router.get("/health/ready") { _, _ in await ready() }
    }

    func ready() async -> Response {
        var checks: [String: String] = [:]
        var problems: [String] = []
        switch await Self.within(Self.deadline, { try await engine.store.migrationStatus() }) {
        case .success(let versions):
            checks["database"] = "ok"
            let pending = versions.filter { $0.appliedAt == nil }
            checks["migrations"] = pending.isEmpty ? "ok" : "pending"
            if !pending.isEmpty {
                problems.append("\(pending.count) schema version\(pending.count == 1 ? " is" : "s are") not applied (from \(pending[0].version)): run rsoctl db migrate")
            }
        case .failure(let why):
            checks["database"] = "unreachable"
            checks["migrations"] = "unknown"
            problems.append("the database did not answer: \(why)")
        }
        if let missing = engine.sealing.missingKey {
            checks["masterKey"] = "missing"
            problems.append(missing.message)
        } else {
            checks["masterKey"] = "ok"
        }
        guard problems.isEmpty else {
            var response = Problem.response(.serviceUnavailable, detail: problems.joined(separator: "; "), extra: ["checks": checks])
            response.headers[.retryAfter] = "5"
            return response
        }
        return JSONResponse.make(.ok, ["status": "ready", "checks": checks])
    }

    /// `body`'s result, or why it failed or did not finish within `limit` (never a value: the message of a
    /// `WorkflowError`, else the error's type).
    static func within<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async -> Result<T, ReadinessFailure> {
        await withTaskGroup(of: Result<T, ReadinessFailure>?.self) { group in
            group.addTask {
                do { return .success(try await body()) } catch let error as WorkflowError {
                    return .failure(ReadinessFailure(error.message))
                } catch {
                    return .failure(ReadinessFailure("\(String(reflecting: type(of: error)))"))
                }
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return Task.isCancelled ? nil : .failure(ReadinessFailure("no answer within \(limit.spoken)"))
            }
            defer { group.cancelAll() }
            while let next = await group.next() {
                if let outcome = next { return outcome }
            }
            return .failure(ReadinessFailure("no answer"))
        }
    }

    struct ReadinessFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// JSON bodies written with sorted keys, as rsoctl prints them.
enum JSONResponse {
    static func make(_ status: HTTPResponse.Status, _ body: [String: Any], contentType: String = "application/json") -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// An RFC 9457 problem (`application/problem+json`): the status, its title, and the same sentence rsoctl prints.
enum Problem {
    static func response(_ status: HTTPResponse.Status, detail: String, extra: [String: Any] = [:]) -> Response {
        var body: [String: Any] = ["type": "about:blank", "title": status.reasonPhrase, "status": status.code, "detail": detail]
        body.merge(extra) { first, _ in first }
        return JSONResponse.make(status, body, contentType: "application/problem+json")
    }
}
