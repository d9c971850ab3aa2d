import Crypto
import Foundation

/// An API token as it is stored: whose it is, who issued it and when, when it expires, whether it was revoked. The
/// token itself is shown once, when issued; the store keeps only its SHA-256 (a token is 32 random bytes, so a hash
/// is as good as a slow key derivation, and a stolen table gives no usable token).
public struct APIToken: Sendable, Hashable {
    /// Names the token in `users tokens` and `users revoke`; not a secret.
    public let id: String
    public let user: String
    public let createdAt: Date
    public let createdBy: String
    public let expiresAt: Date
    public var revokedAt: Date?
    public var revokedBy: String?

    public init(id: String, user: String, createdAt: Date, createdBy: String, expiresAt: Date, revokedAt: Date? = nil, revokedBy: String? = nil) {
        self.id = id
        self.user = user
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.revokedBy = revokedBy
    }

    /// `active`, `expired` or `revoked` at `now`.
    public func state(at now: Date) -> String {
        revokedAt != nil ? "revoked" : expiresAt <= now ? "expired" : "active"
    }

    /// What a store keeps in place of the token text.
    public static func hash(_ token: String) -> String { SHA256.hash(data: Data(token.utf8)).hex }

    /// `rso_` and 43 base64url characters (32 random bytes).
    static let textPrefix = "rso_"

    static func looksLikeToken(_ text: String) -> Bool {
        text.utf8.count == textPrefix.utf8.count + 43 && text.hasPrefix(textPrefix)
            && text.utf8.dropFirst(textPrefix.utf8.count).allSatisfy { $0.isBase64URL }
    }
}

/// A token just issued: the only moment its text exists outside the client that holds it.
public struct IssuedToken: Sendable {
    public let token: APIToken
    public let text: String
}

/// What a presented token turned out to be.
public enum TokenCheck: Sendable, Hashable {
    /// A live token of this user (who may still be disabled: every request checks that, as on the command line).
    case valid(User)
    /// Malformed, or no token has this text.
    case unknown
    case expired(APIToken)
    case revoked(APIToken)
}

/// How long a new token lives: `90d` by default, from `1h` to `366d`.
public enum TokenLifetime {
    public static let standard: Duration = .seconds(90 * 86_400)
    public static let longest: Duration = .seconds(366 * 86_400)

    /// `12h` or `90d`: a whole number of hours or days, from one hour to 366 days.
    public static func parse(_ text: String) throws(WorkflowError) -> Duration {
        let trimmed = text.trimmingSpaces.lowercased()
        let refusal = WorkflowError(.usage, "--expires \(InputText.quoted(text)) is not accepted: give hours or days, e.g. 12h or 90d, from 1h to 366d")
        // At most four digits: nothing longer is in range, and nothing shorter overflows.
        guard let unit = trimmed.last, unit == "h" || unit == "d", trimmed.count <= 5, let count = Int(trimmed.dropLast()), count > 0
        else { throw refusal }
        let hours = unit == "d" ? count * 24 : count
        guard hours <= 366 * 24 else { throw refusal }
        return .seconds(hours * 3600)
    }
}

extension Engine {
    /// Issues a token for `name`, acting as `actorName`: an admin for anyone, any user for themself. The token acts
    /// as its user, with the user's roles at each request. Its text is returned once and never stored.
    public func issueToken(for name: String, lifetime: Duration = TokenLifetime.standard, as actorName: String) async throws -> IssuedToken {
        let actor = try await resolve(actorName)
        try Self.requireAdminOrSelf(actor, name, to: "issue tokens for other users")
        guard lifetime > .zero, lifetime <= TokenLifetime.longest else {
            throw WorkflowError(.usage, "a token lives from 1h to 366d")
        }
        guard let user = try await store.user(named: name) else { throw WorkflowError(.notFound, "no user \(name): rsoctl users list shows the users") }
        try Self.refuseIfDisabled(user)
        let now = clock.now().storagePrecision
        let text = APIToken.textPrefix + SecretText.random(bytes: 32)
        let token = APIToken(id: "tok_" + RandomBytes.shared.take(6).hex, user: user.name, createdAt: now, createdBy: actor.name,
                             expiresAt: now.addingTimeInterval(Double(lifetime.components.seconds)))
        try await store.addToken(token, hash: APIToken.hash(text))
        return IssuedToken(token: token, text: text)
    }

    /// The tokens of `name`, newest first, revoked and expired ones included: an admin for anyone, any user for themself.
    public func tokens(of name: String, as actorName: String) async throws -> [APIToken] {
        let actor = try await resolve(actorName)
        try Self.requireAdminOrSelf(actor, name, to: "list other users' tokens")
        guard try await store.user(named: name) != nil else { throw WorkflowError(.notFound, "no user \(name): rsoctl users list shows the users") }
        return try await store.tokens(of: name)
    }

    /// Revokes a token by its id: from now on it is refused. An admin may revoke any token, a user their own.
    public func revokeToken(_ id: String, as actorName: String) async throws -> APIToken {
        let actor = try await resolve(actorName)
        let unknown = WorkflowError(.notFound, "no token \(InputText.quoted(id)): rsoctl users tokens NAME lists a user's tokens")
        guard InputText.problem(id, lines: false, limit: InputLimits.shortText) == nil, var token = try await store.token(id: id) else { throw unknown }
        try Self.requireAdminOrSelf(actor, token.user, to: "revoke other users' tokens")
        let now = clock.now().storagePrecision
        guard try await store.revokeToken(id: id, at: now, by: actor.name) else {
            let since = try await store.token(id: id)?.revokedAt
            throw WorkflowError(.notAllowed, "\(id) is already revoked since \(since?.iso8601 ?? "?"); nothing was written")
        }
        (token.revokedAt, token.revokedBy) = (now, actor.name)
        return token
    }

    /// Who a presented token acts as, or why it does not.
    public func checkToken(_ text: String) async throws -> TokenCheck {
        guard APIToken.looksLikeToken(text), let (token, user) = try await store.token(hash: APIToken.hash(text)) else { return .unknown }
        if token.revokedAt != nil { return .revoked(token) }
        if token.expiresAt <= clock.now() { return .expired(token) }
        return .valid(user)
    }

    private static func requireAdminOrSelf(_ actor: User, _ name: String, to action: String) throws(WorkflowError) {
        guard actor.name == name || actor.holds(.admin) else {
            throw WorkflowError(.forbidden, "\(actor.name) may not \(action): only an admin may; anyone may for themself")
        }
    }
}

extension UInt8 {
    fileprivate var isBase64URL: Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || self == UInt8(ascii: "-") || self == UInt8(ascii: "_")
    }
}

extension Data {
    /// Base64 with `-` and `_` for `+` and `/`, without padding: safe in a header, a URL and a shell.
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
