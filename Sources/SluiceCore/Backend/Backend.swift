/// The events of one response, pulled by the front as fast as its client reads: a backend produces
/// the next event only when asked, so a slow client slows the upstream instead of filling memory.
public typealias EventStream = AsyncThrowingStream<StreamEvent, any Error>

/// Something that answers canonical requests with canonical events: the embedded engine or a remote upstream.
public protocol Backend: Sendable {
    /// The name the configuration gives it, used in routes, logs and metrics.
    var name: String { get }

    /// Starts answering `request` (whose `model` is already the name to send upstream).
    ///
    /// Returns once the upstream has accepted the request. Failures before that are thrown as
    /// ``SluiceError``; retriable ones let the router try again or fall back. Failures after that
    /// are thrown by the stream. Dropping the stream cancels the upstream work.
    func start(_ request: ChatRequest) async throws -> EventStream

    /// Like ``start(_:)``, with the upstream's response headers meant for the client. Backends
    /// with none to report need not implement it.
    func respond(to request: ChatRequest) async throws -> BackendResponse

    /// The number of input tokens `request` amounts to on this backend.
    func countTokens(_ request: ChatRequest) async throws -> Int

    /// Whether the backend speaks the OpenAI Responses API itself, and so runs OpenAI's built-in
    /// tools (``ChatRequest/openAIBuiltInTools``).
    var runsOpenAIBuiltInTools: Bool { get }
}

extension Backend {
    public var runsOpenAIBuiltInTools: Bool { false }
}

extension Backend {
    public func respond(to request: ChatRequest) async throws -> BackendResponse {
        BackendResponse(events: try await start(request))
    }
}

extension EventStream {
    /// A stream of events already known: a cached answer, or an upstream's one-piece response.
    public init(events: [StreamEvent]) {
        self.init { continuation in
            for event in events { continuation.yield(event) }
            continuation.finish()
        }
    }
}
