/// Picks the backend for a request and starts it, retrying and falling back before the client
/// has received anything.
///
/// A route lists backends in order of preference. Each is tried up to its `maxAttempts` times on
/// retriable failures (connection errors, timeouts, 5xx, 429, overload); then the next one is
/// tried. Once a backend has accepted the request its stream is returned, and later failures go
/// to the client as stream errors: nothing is retried after the first byte.
public struct Dispatcher: Sendable {
    public struct Target: Sendable {
        public let backend: any Backend
        public let maxAttempts: Int

        public init(backend: any Backend, maxAttempts: Int) {
            self.backend = backend
            self.maxAttempts = max(1, maxAttempts)
        }
    }

    /// A request under way: which backend answers, its events, and its upstream's headers for
    /// Anthropic clients (see ``BackendResponse``).
    public struct Dispatch: Sendable {
        public let backendName: String
        public let events: EventStream
        public let anthropicHeaders: [HeaderField]
    }

    public let routes: RouteTable
    private let targets: [String: Target]
    /// Sleeps between attempts; a parameter so tests need not wait.
    private let pause: @Sendable (Duration) async throws -> Void
    /// Told of every attempt a backend failed (backend name, error), for metrics.
    private let onFailure: @Sendable (String, SluiceError) -> Void

    public init(
        routes: RouteTable, targets: [Target],
        pause: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        onFailure: @escaping @Sendable (String, SluiceError) -> Void = { _, _ in }
    ) {
        self.routes = routes
        self.targets = Dictionary(targets.map { ($0.backend.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.pause = pause
        self.onFailure = onFailure
    }

    public var backendNames: [String] { targets.keys.sorted() }

    /// A request's embeddings, and which backend made them.
    public struct EmbeddingDispatch: Sendable {
        public let backendName: String
        public let result: EmbeddingResult
    }

    /// Starts `request` on the first backend of its route that accepts it.
    public func start(_ request: ChatRequest) async throws -> Dispatch {
        let (route, upstreamRequest) = try resolve(request)
        let builtInTool = request.openAIBuiltInTools.first?["type"]?.stringValue
        // Backends that cannot run the request's built-in tools are passed over.
        let candidates = route.backends.compactMap { name in
            targets[name].flatMap { target in
                builtInTool != nil && !target.backend.runsOpenAIBuiltInTools ? nil : (name, target.backend, target.maxAttempts)
            }
        }
        if let builtInTool, candidates.isEmpty {
            throw SluiceError.invalidField(
                "tools", "tool type '\(builtInTool)' is not supported by the backends of model '\(request.model)'; only function tools are")
        }
        let (name, response) = try await firstAnswer(from: candidates) { try await $0.respond(to: upstreamRequest) }
        return Dispatch(backendName: name, events: response.events, anthropicHeaders: response.anthropicHeaders)
    }

    /// Embeds `request`'s inputs on the first backend of its route that can embed and answers,
    /// retrying and falling back as ``start(_:)`` does; backends that cannot embed are passed over.
    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingDispatch {
        let route = try route(for: request.model)
        var upstreamRequest = request
        if let model = route.upstreamModel(for: request.model) { upstreamRequest.model = model }
        let candidates = route.backends.compactMap { name in
            targets[name].flatMap { target in (target.backend as? any EmbeddingBackend).map { (name, $0, target.maxAttempts) } }
        }
        guard !candidates.isEmpty else {
            throw SluiceError(
                .invalidRequest,
                "model '\(request.model)' is served by backends that cannot create embeddings (\(route.backends.joined(separator: ", ")))",
                code: "model_not_supported", param: "model")
        }
        let (name, result) = try await firstAnswer(from: candidates) { try await $0.embed(upstreamRequest) }
        return EmbeddingDispatch(backendName: name, result: result)
    }

    /// Embeds `request`'s inputs on the backend named `backend`, whatever the routes say, with its
    /// retries: a `rag` collection names the backend that embedded its passages, and its queries
    /// must go to the same one.
    public func embed(_ request: EmbeddingRequest, backend: String) async throws -> EmbeddingResult {
        guard let target = targets[backend] else { throw SluiceError.notFound("no backend named '\(backend)'") }
        guard let embedder = target.backend as? any EmbeddingBackend else {
            throw SluiceError.invalidRequest("backend '\(backend)' cannot create embeddings")
        }
        return try await firstAnswer(from: [(backend, embedder, target.maxAttempts)]) { try await $0.embed(request) }.1
    }

    /// The first answer `call` gets from `candidates` (name, backend, attempts), in order.
    private func firstAnswer<Candidate, Answer>(
        from candidates: [(String, Candidate, Int)], _ call: (Candidate) async throws -> Answer
    ) async throws -> (String, Answer) {
        var lastError = SluiceError.upstreamFailed("no backend accepted the request")
        for (name, backend, maxAttempts) in candidates {
            for attempt in 1...maxAttempts {
                // A client that has gone gets no further attempt or fallback.
                try Task.checkCancellation()
                do {
                    return (name, try await call(backend))
                } catch let error as SluiceError where error.isRetriable {
                    onFailure(name, error)
                    lastError = error
                    if attempt < maxAttempts {
                        try await pause(Self.backoff(attempt: attempt, retryAfter: error.retryAfter))
                    }
                } catch let error as SluiceError where error.category == .unavailable {
                    // Every replica of the backend is out for now: the next backend may serve.
                    onFailure(name, error)
                    lastError = error
                    break
                } catch let error as SluiceError {
                    onFailure(name, error)
                    throw error
                }
            }
        }
        throw lastError
    }

    /// Counts `request`'s input tokens on the first backend of its route.
    public func countTokens(_ request: ChatRequest) async throws -> Int {
        let (route, upstreamRequest) = try resolve(request)
        guard let name = route.backends.first, let target = targets[name] else {
            throw SluiceError.notFound("no backend configured for model '\(request.model)'")
        }
        return try await target.backend.countTokens(upstreamRequest)
    }

    private func route(for model: String) throws(SluiceError) -> RouteTable.Route {
        guard let route = routes.route(for: model) else { throw .notFound("no route for model '\(model)'") }
        return route
    }

    private func resolve(_ request: ChatRequest) throws(SluiceError) -> (RouteTable.Route, ChatRequest) {
        let route = try route(for: request.model)
        var upstreamRequest = request
        if let model = route.upstreamModel(for: request.model) { upstreamRequest.model = model }
        return (route, upstreamRequest)
    }

    /// Short waits: a client is waiting, and another backend may answer at once.
    static func backoff(attempt: Int, retryAfter: Double?) -> Duration {
        let seconds = min(retryAfter ?? 0.1 * Double(attempt), 1.0)
        return .milliseconds(Int64(seconds * 1000))
    }
}
