internal import Hummingbird
internal import Logging
internal import SluiceCore
internal import SluiceTelemetry

extension Gateway {
    /// Runs an embeddings request through the caller's policy (its texts scrubbed and checked,
    /// its tokens counted against the limits, a usage row written) and a backend that can embed.
    func embed(
        _ embeddingRequest: EmbeddingRequest, request: Request, context: SluiceRequestContext,
        encode: (EmbeddingResult) -> JSONValue
    ) async throws -> Response {
        let cutoff = RequestCutoff(requestTimeout: requestTimeout, shutdown: shutdownCut)
        let caller = try authorize(model: embeddingRequest.model, context: context)
        let run = try policyRun(for: caller, purpose: .embedding, request: request, context: context)
        var admitted = openExchange(
            .embeddings, caller: caller, run: run, request: request, context: context, api: .openai, endpoint: "embeddings",
            model: embeddingRequest.model, stream: false, session: ClientSession(headers: request.headers))
        if let refusal = await admitted.checkBudgets() { return refusal }
        let exchange = admitted
        let span = exchange.span

        var upstreamRequest = embeddingRequest
        do {
            if let refusal = try await run.prepare(&upstreamRequest, watcher: span) { return await exchange.fail(refusal) }
        } catch {
            // A stage that cannot do its job refuses the request: nothing passes unchecked.
            context.logger.error("policy failed", metadata: ["error": "\(String(reflecting: error))"])
            return await exchange.fail((error as? SluiceError) ?? .internalFailure("a policy failed to check the request"))
        }
        do {
            let result = try await cutoff.run { [dispatcher, upstreamRequest] in
                let dispatch = try await exchange.tracingUpstream(model: upstreamRequest.model) {
                    try await dispatcher.embed(upstreamRequest)
                }
                context.record.backend = dispatch.backendName
                span?.recordBackend(dispatch.backendName)
                return dispatch.result
            }
            let usage = Usage(inputTokens: result.inputTokens)
            try await run.settle(embeddingUsage: usage, model: result.model)
            await exchange.finish(
                status: 200, usage: usage, failure: nil, clientSawEnd: true, reply: ReplyFacts(model: result.model))
            return Self.jsonResponse(encode(result), headers: exchange.responseHeaders)
        } catch {
            return await exchange.fail(error)
        }
    }
}
