import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import WorkflowEngine

/// The request context of every route: Hummingbird's core, and the user the request's token acts as.
public struct APIRequestContext: Hummingbird.RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `TokenAuthentication` on the `/v1` routes; nil on the open ones (health checks, the document).
    public var actor: String?
    /// The client's IP address, for limiting bad tokens per address ("?" when the channel has none).
    public let sourceAddress: String
    /// Set by `RequestLog`: the id its line for this request carries, for any later line about the same request.
    public var requestID: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        sourceAddress = source.channel.remoteAddress?.ipAddress ?? "?"
    }

    /// Who the request acts as, once a token or a web session said so: `RequestLog` names them on the request's line.
    /// A box shared by every copy of the context, since the log line is written by the middleware outside the one
    /// that learns the user.
    let user = RequestUser()

    /// The acting user; only the `/v1` routes ask, and `TokenAuthentication` has set it there.
    func requireActor() throws -> String {
        guard let actor else { throw APIRefusal(status: .unauthorized, detail: "no token was checked for this request") }
        return actor
    }

    /// A request body larger than this is refused with 413 (a case's fields are far smaller).
    public var maxUploadSize: Int { APILimits.body }
}

public enum APILimits {
    /// 1 MiB.
    public static let body = 1 << 20
    /// 256 MiB: an import's CSV body, written to a file as it arrives, never held in memory.
    public static let importBody = 256 << 20
}

extension Request {
    /// `Idempotency-Key`: the CLI's `--idempotency-key`, on every write.
    var idempotencyKey: String? { headers[HTTPField.Name("Idempotency-Key")!] }
}

/// The name of the user a request acts as, set once it is known.
final class RequestUser: Sendable {
    private let name = NIOLockedValueBox<String?>(nil)

    func set(_ user: String) { name.withLockedValue { $0 = user } }
    var current: String? { name.withLockedValue { $0 } }
}
