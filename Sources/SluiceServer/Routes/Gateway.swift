internal import Foundation
internal import HTTPTypes
internal import Hummingbird
internal import Logging
internal import NIOCore
internal import SluiceCore
internal import SluicePolicy
internal import SluiceConfig
internal import SluiceStore
internal import SluiceTelemetry

/// What every API handler shares: reading bodies, and taking a decoded request through the
/// policy chain and a backend to a response in the caller's protocol.
struct Gateway: Sendable {
    let dispatcher: Dispatcher
    let policies: PolicyRegistry
    let defaultPolicy: String
    let usage: UsageRecorder
    let bodyLimit: Int
    /// How often an idle stream gets a keep-alive.
    let keepAliveInterval: Duration
    /// The longest a request may take, backend included.
    let requestTimeout: Duration
    /// When requests still in flight at shutdown are cut.
    let shutdownCut: ShutdownCut
    /// Prices and budgets; none by default.
    var accounting = Accounting()
    /// Starts each request's span; `nil` when tracing is off, which then costs nothing.
    var tracer: GatewayTracer? = nil
    /// `gen_ai.provider.name` of each backend, by name, for the GenAI metrics.
    var providers: [String: String] = [:]

    /// The request body as JSON; 415 unless sent as JSON, 413 past the limit, 400 naming the problem when malformed.
    func readJSON(_ request: Request) async throws -> JSONValue {
        guard JSONMediaType.matches(request.headers[.contentType]) else {
            throw SluiceError(.unsupportedMediaType, "the request body must be JSON, sent with content-type: application/json")
        }
        var request = request
        let buffer = try await request.collectBody(upTo: bodyLimit)
        guard buffer.readableBytes > 0 else { throw SluiceError.invalidRequest("request body is empty; expected a JSON object") }
        do {
            return try JSONParser.parse(buffer.readableBytesView)
        } catch {
            throw SluiceError.invalidRequest("malformed JSON in request body: \(error.description)")
        }
    }

    /// The calling key, which may use the request's model.
    func authorize(_ chatRequest: ChatRequest, context: SluiceRequestContext) throws -> APIKey {
        try authorize(model: chatRequest.model, context: context)
    }

    /// The calling key, which may use `model`.
    func authorize(model: String, context: SluiceRequestContext) throws -> APIKey {
        guard let caller = context.caller else { throw SluiceError(.authentication, "missing API key") }
        guard caller.allows(model: model) else {
            throw SluiceError(.permission, "this key may not use model '\(model)'")
        }
        return caller
    }

    /// Runs `chatRequest` through the caller's policy and a backend, answering in the caller's protocol.
    ///
    /// `onAnswer`, when given, gets the whole answer as the client saw it, before the client
    /// learns it is complete (a stream's last event waits for it).
    func respond<Encoder: StreamEncoding>(
        to chatRequest: ChatRequest, api: APIProtocol, request: Request, context: SluiceRequestContext, endpoint: String,
        streamEncoder: Encoder, encodeResponse: @Sendable (ChatResponse) -> JSONValue,
        onAnswer: (@Sendable (ChatResponse) async -> Void)? = nil
    ) async throws -> Response {
        var chatRequest = chatRequest
        chatRequest.clientSession = ClientSession(headers: request.headers)
        let cutoff = RequestCutoff(requestTimeout: requestTimeout, shutdown: shutdownCut)
        let caller = try authorize(chatRequest, context: context)
        let run = try policyRun(for: caller, purpose: .generation, request: request, context: context)
        var admitted = openExchange(
            .chat, caller: caller, run: run, request: request, context: context, api: api, endpoint: endpoint,
            model: chatRequest.model, stream: chatRequest.stream, session: chatRequest.clientSession)
        if let refusal = await admitted.checkBudgets() { return refusal }
        let exchange = admitted
        let span = exchange.span

        var upstreamRequest = chatRequest
        let verdict: PolicyVerdict
        do {
            verdict = try await run.prepare(&upstreamRequest, watcher: span)
            span?.recordPrepared(upstreamRequest)
        } catch {
            // A stage that cannot do its job refuses the request: nothing passes unchecked.
            context.logger.error("policy failed", metadata: ["error": "\(String(reflecting: error))"])
            return await exchange.fail((error as? SluiceError) ?? .internalFailure("a policy failed to check the request"))
        }

        let cached: EventStream?
        switch verdict {
        case .refuse(let refusal): return await exchange.fail(refusal)
        case .respond(let answer): cached = EventStream(events: answer.events)
        case .proceed: cached = nil
        }
        // The answer's events as the client must see them: from the cache, or from the backend
        // the dispatcher starts (retrying and falling back before the first byte).
        let start: @Sendable () async throws -> EventStream = { [dispatcher, upstreamRequest] in
            if let cached {
                context.record.backend = "cache"
                span?.recordBackend("cache")
                return run.transform(cached)
            }
            let dispatch = try await exchange.tracingUpstream(model: upstreamRequest.model) {
                try await dispatcher.start(upstreamRequest)
            }
            context.record.backend = dispatch.backendName
            span?.recordBackend(dispatch.backendName)
            context.record.anthropicHeaders = dispatch.anthropicHeaders
            return run.transform(dispatch.events)
        }

        if chatRequest.stream {
            let clientEvents: EventStream
            do {
                clientEvents = try await cutoff.run(start)
            } catch {
                return await exchange.fail(error)
            }
            let body = EventStreamResponse(
                events: clientEvents, encoder: streamEncoder, keepAliveInterval: keepAliveInterval, cutoff: cutoff,
                logger: context.logger, keepsAnswer: onAnswer != nil || span?.capturesContent == true,
                onFinish: { summary in
                    await exchange.finish(
                        status: summary.clientLeft ? Exchange.clientClosedRequest : 200, usage: summary.usage,
                        failure: summary.failure, clientSawEnd: summary.sawEnd, reply: summary.reply, answer: summary.answer)
                    if let onAnswer, let answer = summary.answer, summary.failure == nil { await onAnswer(answer) }
                })
            return body.response(headers: exchange.responseHeaders)
        }
        do {
            let (response, reply) = try await cutoff.run {
                var accumulator = ResponseAccumulator()
                var reply = ReplyFacts()
                for try await event in try await start() {
                    reply.observe(event)
                    try accumulator.consume(event)
                }
                return (try accumulator.response(), reply)
            }
            await exchange.finish(
                status: 200, usage: response.usage, failure: nil, clientSawEnd: true, reply: reply, answer: response)
            await onAnswer?(response)
            return Self.jsonResponse(encodeResponse(response), headers: exchange.responseHeaders)
        } catch {
            return await exchange.fail(error)
        }
    }

    /// Counts through the policy too: the request reaches an upstream (Anthropic backends count
    /// there), so it is scrubbed and checked against content rules like any other.
    func countTokens(_ chatRequest: ChatRequest, request: Request, context: SluiceRequestContext) async throws -> Int {
        var chatRequest = chatRequest
        chatRequest.clientSession = ClientSession(headers: request.headers)
        let caller = try authorize(chatRequest, context: context)
        let run = try policyRun(for: caller, purpose: .tokenCount, request: request, context: context)
        var upstreamRequest = chatRequest
        do {
            if case .refuse(let refusal) = try await run.prepare(&upstreamRequest) { throw refusal }
            let tokens = try await dispatcher.countTokens(upstreamRequest)
            await run.complete(clientSawEnd: true)
            return tokens
        } catch {
            let failure = SluiceError(reporting: error, request: request)
            await run.complete(clientSawEnd: false, failure: failure)
            throw failure
        }
    }

    /// The policy run for this caller: its own policy, its team's, or the default. A policy whose file exists
    /// but does not load, or a key naming a policy that does not exist, refuses the request rather
    /// than serving it unchecked; only when no default policy file exists at all do requests run
    /// without stages (the start-up log says so).
    func policyRun(
        for caller: APIKey, purpose: PolicyContext.Purpose, request: Request, context: SluiceRequestContext
    ) throws -> PolicyRun {
        let name = caller.policy ?? context.team?.policy ?? defaultPolicy
        let policyContext = PolicyContext(
            purpose: purpose, keyID: caller.id, keyName: caller.name, policyName: name, requestID: context.requestID,
            bypassCache: request.headers[.cacheControl]?.contains("no-cache") == true, keyLimits: caller.limits)
        if let policy = policies.policy(named: name) {
            return PolicyRun(stages: policy.stages, context: policyContext)
        }
        if caller.policy != nil || context.team?.policy != nil {
            let whose = caller.policy != nil ? "this key's" : "this key's team's"
            throw SluiceError(
                .permission, "\(whose) policy '\(name)' is not loaded; ask the admin to check policies/\(name).yaml",
                code: "policy_unavailable")
        }
        if policies.hasRejectedFile(named: name) {
            throw SluiceError(
                .permission, "the default policy '\(name)' failed to load; ask the admin to run sluice policies check",
                code: "policy_unavailable")
        }
        return PolicyRun()
    }

    /// The exchange of an authorized request, with the client's trace context and, when tracing is
    /// on, its span (content captured as the caller's policy says).
    func openExchange(
        _ operation: GenAIOperation, caller: APIKey, run: PolicyRun, request: Request, context: SluiceRequestContext,
        api: APIProtocol, endpoint: String, model: String, stream: Bool, session: ClientSession?
    ) -> Exchange {
        let incoming = IncomingTraceContext(traceparent: request.headers[.traceparent], tracestate: request.headers[.tracestate])
        let span = tracer.map { tracer in
            let policyName = caller.policy ?? defaultPolicy
            return tracer.startRequest(
                operation: operation, model: model, session: session, caller: caller.name, policyName: policyName,
                requestID: context.requestID, incoming: incoming,
                captureContent: policies.policy(named: policyName)?.telemetry.captureContent ?? false)
        }
        return Exchange(
            gateway: self, run: run, context: context, api: api, endpoint: endpoint, model: model, stream: stream, session: session,
            operation: operation, incomingTrace: incoming, span: span)
    }

    static func jsonResponse(_ value: JSONValue, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: extra)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.serialized())))
    }
}

extension Gateway {
    /// One request's way through the gateway, finished exactly once: the policy stages learn the
    /// outcome, and the usage record and metrics are written.
    struct Exchange: Sendable {
        let gateway: Gateway
        let run: PolicyRun
        let context: SluiceRequestContext
        /// The caller's protocol, which shapes its error responses.
        let api: APIProtocol
        let endpoint: String
        let model: String
        let stream: Bool
        let session: ClientSession?
        /// The budgets the request was admitted under, charged when it ends.
        private(set) var admission = BudgetAdmission.unbudgeted
        let operation: GenAIOperation
        /// The client's `traceparent` and `tracestate`, when valid.
        let incomingTrace: IncomingTraceContext?
        /// The request's span, ended with the exchange; `nil` when tracing is off.
        let span: RequestSpan?
        private let started = ContinuousClock.now

        init(
            gateway: Gateway, run: PolicyRun, context: SluiceRequestContext, api: APIProtocol, endpoint: String, model: String,
            stream: Bool, session: ClientSession?, operation: GenAIOperation, incomingTrace: IncomingTraceContext?,
            span: RequestSpan?
        ) {
            self.gateway = gateway
            self.run = run
            self.context = context
            self.api = api
            self.endpoint = endpoint
            self.model = model
            self.stream = stream
            self.session = session
            self.operation = operation
            self.incomingTrace = incomingTrace
            self.span = span
        }

        /// Runs the backend call with the trace context its upstream gets: the call's own span when
        /// tracing is on, else the client's context passed on unchanged.
        func tracingUpstream<Result>(model: String, _ call: () async throws -> Result) async throws -> Result {
            let headers = span?.startBackendCall(model: model) ?? incomingTrace?.headers ?? []
            return try await UpstreamTraceContext.$headers.withValue(headers, operation: call)
        }

        /// nginx's status for a request whose client went away before the answer; recorded, never sent.
        static let clientClosedRequest = 499

        /// Sluice's own headers, then an Anthropic upstream's for an Anthropic client; where both
        /// name a field (the rate-limit stage's `anthropic-ratelimit-requests-*`), Sluice's stands.
        var responseHeaders: HTTPFields {
            var headers = HTTPFields()
            if let backend = context.record.backend { headers[.sluiceBackend] = backend }
            for (name, value) in run.responseHeaders {
                if let fieldName = HTTPField.Name(name) { headers.append(HTTPField(name: fieldName, value: value)) }
            }
            if api == .anthropic { headers.appendAbsent(context.record.anthropicHeaders) }
            return headers
        }

        /// Checks the caller's budgets before anything reaches a backend; returns the refusal to
        /// send when one is spent or the spending cannot be read.
        mutating func checkBudgets() async -> Response? {
            guard let caller = context.caller else { return nil }
            do {
                admission = try await gateway.accounting.admit(caller: caller, team: context.team)
            } catch {
                return await fail(error)
            }
            guard let refusal = admission.refusal else { return nil }
            return await fail(refusal)
        }

        /// Finishes with `error` and answers with it in the caller's protocol, unless the client has gone.
        func fail(_ error: any Error) async -> Response {
            if error is CancellationError {
                await finish(status: Self.clientClosedRequest, usage: Usage(), failure: nil)
                return context.record.clientClosedRequest()
            }
            let failure = SluiceError(reporting: error, request: nil)
            await finish(status: failure.httpStatus, usage: Usage(), failure: failure)
            context.record.errorCategory = failure.category.rawValue
            var response = api.response(for: failure)
            // Sluice's own fields replace an upstream's of the same name passed on in the error.
            let own = responseHeaders
            for field in own { response.headers[field.name] = nil }
            response.headers.append(contentsOf: own)
            return response
        }

        func finish(
            status: Int, usage: Usage, failure: SluiceError?, clientSawEnd: Bool = false, reply: ReplyFacts = ReplyFacts(),
            answer: ChatResponse? = nil
        ) async {
            await run.complete(clientSawEnd: clientSawEnd, failure: failure)
            let actions = run.actions
            let elapsed = ContinuousClock.now - started
            let cost = gateway.accounting.cost(of: usage, model: model, backend: context.record.backend)
            span?.recordSpend(team: context.caller?.team, costUSD: cost.dollars)
            recordGenAI(status: failure?.httpStatus ?? status, usage: usage, failure: failure, reply: reply, answer: answer)
            gateway.usage.record(
                UsageRecord(
                    createdAt: Date(), keyID: context.caller?.id, keyName: context.caller?.name, model: model,
                    backend: context.record.backend, endpoint: endpoint, stream: stream, status: failure?.httpStatus ?? status,
                    inputTokens: usage.inputTokens, outputTokens: usage.outputTokens,
                    cacheReadInputTokens: usage.cacheReadInputTokens, cacheCreationInputTokens: usage.cacheCreationInputTokens,
                    cacheHit: actions.contains("cache:hit"),
                    durationMilliseconds: Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15,
                    policies: actions.joined(separator: " "), clientCertificate: context.record.clientCertificate,
                    sessionID: session?.sessionID, agentID: session?.agentID, parentAgentID: session?.parentAgentID,
                    costUSD: cost.dollars, team: context.caller?.team),
                actions: actions)
            // Before the client learns the answer is complete, so its next request sees the charge.
            await gateway.accounting.charge(cost, to: admission)
        }

        /// The GenAI metrics of an answered request, and the end of its span.
        private func recordGenAI(status: Int, usage: Usage, failure: SluiceError?, reply: ReplyFacts, answer: ChatResponse?) {
            let backend = context.record.backend
            if failure == nil, status == 200, let backend {
                let provider = backend == "cache" ? "sluice.cache" : gateway.providers[backend] ?? backend
                let metrics = gateway.usage.metrics
                metrics.recordTokenUsage(operation: operation.rawValue, provider: provider, usage: usage)
                if let firstTokenAt = reply.firstTokenAt {
                    metrics.recordTimeToFirstToken(
                        operation: operation.rawValue, provider: provider, duration: started.duration(to: firstTokenAt))
                }
            }
            span?.end(
                RequestOutcome(
                    status: status, usage: usage, failureCategory: failure?.category.rawValue, responseModel: reply.model,
                    responseID: reply.id, stopReason: reply.stopReason, firstTokenAt: reply.firstTokenAt, answer: answer))
        }
    }
}
