import Foundation
import HTTPTypes
import Hummingbird
import WorkflowEngine

/// `Authorization: Bearer TOKEN` on every `/v1` route: the token's user acts, with their roles at this request (a
/// disabled user is then refused by the engine, 403). No token, or one that is unknown, expired or revoked, is 401.
struct TokenAuthentication: RouterMiddleware {
    typealias Context = APIRequestContext
    let engine: Engine

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let challenge: HTTPFields = [.wwwAuthenticate: "Bearer"]
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw APIRefusal(status: .unauthorized, detail: "send Authorization: Bearer TOKEN; rsoctl users token NAME issues a token", headers: challenge)
        }
        let text = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        switch try await engine.checkToken(text) {
        case .valid(let user):
            var context = context
            context.actor = user.name
            return try await next(request, context)
        case .unknown:
            throw APIRefusal(status: .unauthorized, detail: "the token is not one that was issued (or was mistyped): rsoctl users token NAME issues one", headers: challenge)
        case .expired(let token):
            throw APIRefusal(status: .unauthorized, detail: "token \(token.id) expired at \(token.expiresAt.iso8601): ask for a new one (rsoctl users token)", headers: challenge)
        case .revoked(let token):
            throw APIRefusal(status: .unauthorized, detail: "token \(token.id) was revoked at \(token.revokedAt?.iso8601 ?? "?"): ask for a new one (rsoctl users token)", headers: challenge)
        }
    }
}
