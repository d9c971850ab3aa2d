import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WorkflowEngine

/// The cookies of the web pages: the session's (`rso_session`) and the sign-in form's CSRF token (`rso_login`). Both
/// HttpOnly and SameSite=Strict; Secure when the request came over TLS through a proxy that says so
/// (`X-Forwarded-Proto: https`, as nginx in deploy/ sends).
enum WebSessionCookie {
    static let sessionName = "rso_session"
    static let loginName = "rso_login"

    /// The live session of the request's cookie, its user and the cookie; nil when there is none.
    /// The request's log line names the user.
    static func signedIn(_ request: Request, _ context: APIRequestContext, _ engine: Engine) async throws -> (WebSession, User, String)? {
        guard let cookie = request.cookies[sessionName]?.value, let (session, user) = try await engine.session(cookie: cookie) else { return nil }
        context.user.set(user.name)
        return (session, user, cookie)
    }

    static func cookie(_ name: String, _ value: String, _ request: Request) -> Cookie {
        Cookie(name: name, value: value, path: "/", secure: overTLS(request), httpOnly: true, sameSite: .strict)
    }

    static func cleared(_ name: String, _ request: Request) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: overTLS(request), httpOnly: true, sameSite: .strict)
    }

    static func overTLS(_ request: Request) -> Bool {
        request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    /// 24 random bytes, base64url: a CSRF token for the sign-in form.
    static func newToken() -> String { SecretText.random(bytes: 24) }

    /// Whether a form's token is the expected one, compared in constant time.
    static func same(_ given: String?, _ expected: String) -> Bool {
        guard let given, given.utf8.count == expected.utf8.count, !expected.isEmpty else { return false }
        return zip(given.utf8, expected.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// A form as a browser sends it (`application/x-www-form-urlencoded`), at most 64 KiB. Inputs named `field.NAME` are
/// case fields (a list's checkboxes send one each); the others (`csrf`, `reason`, `version`, `username`, `password`)
/// are the form's own.
struct WebForm: Sendable {
    static let limit = 64 << 10
    private let values: [String: [String]]

    init(_ request: Request, _ context: APIRequestContext) async throws {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/x-www-form-urlencoded" else {
            throw WorkflowError(.usage, "send the page's form (Content-Type application/x-www-form-urlencoded)")
        }
        let buffer = try await request.body.collect(upTo: Self.limit)
        guard let text = JSONBody.utf8Text(buffer) else {
            throw WorkflowError(.usage, "the form is not UTF-8 text")
        }
        try self.init(encoded: text)
    }

    init(encoded text: String) throws {
        var values: [String: [String]] = [:]
        for (name, value) in try Self.pairs(text) { values[name, default: []].append(value) }
        self.values = values
    }

    /// The name-value pairs of `application/x-www-form-urlencoded` text, in order: `+` is a space, `%XX` a byte, and
    /// the bytes UTF-8. Anything else is refused, not repaired (URLComponents, given such text, stops the process).
    static func pairs(_ text: String) throws -> [(String, String)] {
        func decoded(_ part: Substring) throws -> String {
            guard let text = part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                throw WorkflowError(.usage, "the form is not URL-encoded UTF-8 (a % not followed by two hexadecimal digits, or bytes that are not UTF-8)")
            }
            return text
        }
        return try text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (try decoded(parts[0]), parts.count > 1 ? try decoded(parts[1]) : "")
        }
    }

    /// The input's value (the first, if it was sent more than once).
    subscript(_ name: String) -> String? { values[name]?.first }

    /// The case fields given (`field.NAME`) as text, as the CLI's `--field` takes them: several checked items of a
    /// list joined by commas; inputs left blank left out (a blank input is not a clearing).
    var fields: [String: String] {
        var fields: [String: String] = [:]
        for (name, given) in values where name.hasPrefix("field.") {
            let kept = given.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            if !kept.isEmpty { fields[String(name.dropFirst(6))] = kept.joined(separator: ",") }
        }
        return fields
    }
}

/// The pages' responses: HTML that no one caches or frames, no script allowed to run.
enum WebResponse {
    static func html(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ]
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// 303: after a form, the browser GETs the next page (a reload does not send the form again).
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    static func problem(_ refusal: WorkflowError, _ user: SignedInView?) -> Response {
        problem(refusal.code.httpStatus, refusal.message, user: user)
    }

    /// A refusal as a page: the same sentence as the API's problem, under a heading for its status.
    static func problem(_ status: HTTPResponse.Status, _ message: String, user: SignedInView? = nil) -> Response {
        let heading = switch status.code {
        case 404: "Not found"
        case 403: "Not allowed for you"
        case 500...: "Not answered now"
        default: "Refused"
        }
        return html(status, PageTemplates.render(ProblemPage(user: user, heading: heading, message: message), "problem"))
    }

    /// A form whose CSRF token is not the session's: not sent from this session's pages.
    static func forbiddenForm(_ session: WebSession) -> Response {
        html(.forbidden, PageTemplates.render(ProblemPage(
            user: nil, heading: "Form refused",
            message: "This form was not sent from your current pages (its token does not match): go back, reload the page and try again."), "problem"))
    }
}
