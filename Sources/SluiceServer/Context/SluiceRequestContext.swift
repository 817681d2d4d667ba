internal import Hummingbird
internal import SluiceCore
internal import SluiceStore
internal import Synchronization

/// The per-request context: who is calling, and what the outer middlewares should record.
struct SluiceRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The authenticated key; set by ``AuthMiddleware`` on API routes.
    var caller: APIKey?
    /// The caller's team, when its key belongs to one that exists; set by ``AuthMiddleware``.
    var team: Team?
    /// The admin calling the admin API (an admin key's name, or a console session's user); set by
    /// ``AdminAuthMiddleware``.
    var admin: String?
    /// Shared with the logging and metrics middlewares, which run outside the ones that learn these facts.
    let record = RequestRecord()
    /// Sent back as `request-id`, and logged, so a client's report can be matched to a log line.
    let requestID = "req_" + Identifiers.base62(count: 24)

    init(source: Source) {
        coreContext = .init(source: source)
    }
}

/// Facts about a request learnt by inner middlewares and handlers, read by the outer ones when it ends.
final class RequestRecord: Sendable {
    private struct Facts {
        var api: APIProtocol?
        var keyName: String?
        var backend: String?
        var anthropicHeaders: [HeaderField] = []
        var errorCategory: String?
        var clientCertificate: String?
    }

    private let facts = Mutex(Facts())

    /// The protocol of the route that took the request, once one has.
    var api: APIProtocol? {
        get { facts.withLock { $0.api } }
        set { facts.withLock { $0.api = newValue } }
    }

    var keyName: String? {
        get { facts.withLock { $0.keyName } }
        set { facts.withLock { $0.keyName = newValue } }
    }

    var backend: String? {
        get { facts.withLock { $0.backend } }
        set { facts.withLock { $0.backend = newValue } }
    }

    /// The answering Anthropic upstream's headers for Anthropic clients (see ``BackendResponse``).
    var anthropicHeaders: [HeaderField] {
        get { facts.withLock { $0.anthropicHeaders } }
        set { facts.withLock { $0.anthropicHeaders = newValue } }
    }

    var errorCategory: String? {
        get { facts.withLock { $0.errorCategory } }
        set { facts.withLock { $0.errorCategory = newValue } }
    }

    /// The subject of the certificate the client presented (mutual TLS).
    var clientCertificate: String? {
        get { facts.withLock { $0.clientCertificate } }
        set { facts.withLock { $0.clientCertificate = newValue } }
    }

    /// The response for a request whose client went away: recorded, never seen by anyone.
    func clientClosedRequest() -> Response {
        errorCategory = "client_closed_request"
        return Response(status: .init(code: Gateway.Exchange.clientClosedRequest))
    }
}
