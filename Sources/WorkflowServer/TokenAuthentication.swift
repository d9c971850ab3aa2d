import Foundation
import HTTPTypes
import Hummingbird
import WorkflowEngine

/// `Authorization: Bearer TOKEN` on every `/v1` route: the token's user acts, with their roles at this request (a
/// disabled user is then refused by the engine, 403). No token, or one that is unknown, expired or revoked, is 401;
/// an address that sent too many bad tokens lately is 429 until it may try again (`TokenGate`).
struct TokenAuthentication: RouterMiddleware {
    typealias Context = APIRequestContext
    let engine: Engine
    let gate: TokenGate

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let challenge: HTTPFields = [.wwwAuthenticate: "Bearer"]
        guard let header = request.headers[.authorization], let token = Self.bearerToken(header) else {
            throw APIRefusal(status: .unauthorized, detail: "send Authorization: Bearer TOKEN; rsoctl users token NAME issues a token", headers: challenge)
        }
        let text = String(token)
        let hash = APIToken.hash(text)
        var context = context
        if let user = gate.rememberedUser(ofHash: hash) {
            context.actor = user
            context.user.set(user)
            return try await next(request, context)
        }
        if let wait = gate.wait(for: context.sourceAddress), !gate.isKnown(hash: hash) {
            let seconds = TokenGate.retryAfterSeconds(wait)
            throw APIRefusal(
                status: .tooManyRequests,
                detail: "too many unknown, expired or revoked tokens came from \(context.sourceAddress) lately: wait \(seconds) s, then send a valid token",
                headers: [.retryAfter: String(seconds)])
        }
        let refusal: String
        switch try await engine.checkToken(text) {
        case .valid(let user):
            gate.remember(hash: hash, user: user.name)
            context.actor = user.name
            context.user.set(user.name)
            return try await next(request, context)
        case .unknown:
            refusal = "the token is not one that was issued (or was mistyped): rsoctl users token NAME issues one"
        case .expired(let token):
            refusal = "token \(token.id) expired at \(token.expiresAt.iso8601): ask for a new one (rsoctl users token)"
        case .revoked(let token):
            refusal = "token \(token.id) was revoked at \(token.revokedAt?.iso8601 ?? "?"): ask for a new one (rsoctl users token)"
        }
        gate.badToken(from: context.sourceAddress)
        throw APIRefusal(status: .unauthorized, detail: refusal, headers: challenge)
    }

    /// The token of `Bearer TOKEN`: the scheme in any case, spaces and tabs around the token ignored; nil for another
    /// scheme or no token. Read byte by byte: Foundation's trimming cost more than the rest of the check for a remembered token.
    static func bearerToken(_ header: String) -> Substring? {
        let scheme = "bearer "
        guard header.utf8.count > scheme.utf8.count, header.prefix(scheme.count).lowercased() == scheme else { return nil }
        var token = header.dropFirst(scheme.count)
        while let first = token.first, first == " " || first == "\t" { token.removeFirst() }
        while let last = token.last, last == " " || last == "\t" { token.removeLast() }
        return token.isEmpty ? nil : token
    }
}
