public import SluiceCore
internal import Synchronization
internal import Tracing

/// The span of one request and its children: one per policy stage's request phase, and one for
/// the backend call, whose context travels upstream in `traceparent`.
///
/// The request's task and its stream's writer both touch it, one after the other; the backend
/// span sits behind a lock all the same, so the order never matters for safety.
public final class RequestSpan: PolicyStageWatcher, Sendable {
    private let tracer: any Tracer
    private let span: any Span
    private let operation: GenAIOperation
    private let providers: [String: String]
    /// Whether the policy lets the span hold the prompt and the answer.
    public let capturesContent: Bool
    /// The span's start on both clocks, to place the first token (timed on the monotonic clock) in wall time.
    private let startedAt = (wall: DefaultTracerClock.now, clock: ContinuousClock.now)
    private let backendCall = Mutex<(any Span)?>(nil)

    init(tracer: any Tracer, span: any Span, operation: GenAIOperation, providers: [String: String], capturesContent: Bool) {
        self.tracer = tracer
        self.span = span
        self.operation = operation
        self.providers = providers
        self.capturesContent = capturesContent
    }

    /// A child span around the stage's request phase, with its verdict.
    public func watch(stage: String, _ prepare: () async throws -> PolicyVerdict) async throws -> PolicyVerdict {
        let child = tracer.startSpan("policy \(stage)", context: span.context, ofKind: .internal)
        child.attributes[GenAIAttributes.policyStage] = stage
        defer { child.end() }
        do {
            let verdict = try await prepare()
            let outcome: String =
                switch verdict {
                case .proceed: "proceed"
                case .respond: "respond"
                case .refuse: "refuse"
                }
            child.attributes[GenAIAttributes.policyVerdict] = outcome
            return verdict
        } catch {
            // The category only: an error's text may quote the request.
            child.attributes[GenAIAttributes.errorType] = (error as? SluiceError)?.category.rawValue ?? "internal_error"
            child.setStatus(SpanStatus(code: .error))
            throw error
        }
    }

    /// The parameters the request asked for, and with content capture, the prompt as it leaves the policy.
    public func recordPrepared(_ request: ChatRequest) {
        span.attributes.merge(GenAIAttributes.parameters(of: request))
        if capturesContent { span.attributes.merge(GenAIAttributes.inputContent(of: request)) }
    }

    /// Starts the backend call's span, and returns the headers that carry its context upstream.
    public func startBackendCall(model: String) -> [HeaderField] {
        let child = tracer.startSpan("\(operation.rawValue) \(model)", context: span.context, ofKind: .client)
        child.attributes[GenAIAttributes.operationName] = operation.rawValue
        child.attributes[GenAIAttributes.requestModel] = model
        backendCall.withLock { $0 = child }
        var headers: [HeaderField] = []
        tracer.inject(child.context, into: &headers, using: UpstreamHeaderInjector())
        return headers
    }

    /// Names the backend that answered (`cache` for the response cache).
    public func recordBackend(_ name: String) {
        let provider = providers[name]
        for target in [span] + (backendCall.withLock { $0 }.map { [$0] } ?? []) {
            target.attributes[GenAIAttributes.backend] = name
            if let provider { target.attributes[GenAIAttributes.providerName] = provider }
        }
        if name == "cache" { span.attributes[GenAIAttributes.cacheHit] = true }
    }

    /// Who pays: the hook for the team of the calling key and the request's cost, once Sluice knows them.
    public func recordSpend(team: String?, costUSD: Double?) {
        if let team { span.attributes[GenAIAttributes.teamName] = team }
        if let costUSD { span.attributes[GenAIAttributes.costUSD] = costUSD }
    }

    /// Ends the backend call's span and the request's, with what the answer amounted to.
    public func end(_ outcome: RequestOutcome) {
        let attributes = GenAIAttributes.response(
            model: outcome.responseModel, id: outcome.responseID, usage: outcome.usage, stopReason: outcome.stopReason,
            operation: operation)
        let backend = backendCall.withLock { call in
            defer { call = nil }
            return call
        }
        if let firstTokenAt = outcome.firstTokenAt {
            let sinceStart = startedAt.clock.duration(to: firstTokenAt)
            let instant = DefaultTracerClock.Timestamp(
                nanosecondsSinceEpoch: startedAt.wall.nanosecondsSinceEpoch + UInt64(max(0, sinceStart.nanoseconds)))
            let event = SpanEvent(
                name: "gen_ai.first_token", at: instant,
                attributes: ["gen_ai.server.time_to_first_token": .double(sinceStart.timeInterval)])
            (backend ?? span).addEvent(event)
        }
        span.attributes.merge(attributes)
        span.attributes[GenAIAttributes.httpStatusCode] = outcome.status
        if capturesContent, let answer = outcome.answer { span.attributes.merge(GenAIAttributes.outputContent(of: answer)) }
        if let category = outcome.failureCategory {
            span.attributes[GenAIAttributes.errorType] = category
            backend?.attributes[GenAIAttributes.errorType] = category
        }
        // A server span is in error for the server's failures only; 4xx are the client's.
        if outcome.status >= 500 {
            span.setStatus(SpanStatus(code: .error))
            backend?.setStatus(SpanStatus(code: .error))
        }
        if let backend {
            backend.attributes.merge(attributes)
            backend.end()
        }
        span.end()
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
