extension PolicyRun {
    /// Runs an embedding request through the stages, which see each text input as a user
    /// message: what `pii` scrubs there is what the backend embeds, and `content` rules apply.
    /// Token-array inputs carry no text to inspect and pass as they are. Returns the refusal of
    /// a stage, if one refused.
    ///
    /// Stages see no `max_tokens`-style output: an embedding produces none.
    public func prepare(_ request: inout EmbeddingRequest, watcher: (any PolicyStageWatcher)? = nil) async throws -> SluiceError? {
        var presented = ChatRequest(model: request.model, messages: request.inputs.compactMap(Self.message), maxTokens: 0)
        presented.user = request.user
        switch try await prepare(&presented, watcher: watcher) {
        case .refuse(let refusal):
            return refusal
        case .respond:
            // No built-in stage answers embeddings (the cache keeps chat answers only).
            return .internalFailure("a policy stage answered an embeddings request with a chat response")
        case .proceed:
            var scrubbed = presented.messages.makeIterator()
            for index in request.inputs.indices {
                guard case .text = request.inputs[index] else { continue }
                guard let message = scrubbed.next() else {
                    return .internalFailure("a policy stage dropped an input of an embeddings request")
                }
                request.inputs[index] = .text(message.text)
            }
            return nil
        }
    }

    /// Shows the stages the answer's usage, as the end of an empty response, so that rate limits
    /// settle on the real token count. Call it once the backend answered, before `complete`.
    public func settle(embeddingUsage usage: Usage, model: String) async throws {
        let answer = ChatResponse(id: Identifiers.messageID(), model: model, content: [], stopReason: .endTurn, usage: usage)
        for try await _ in transform(EventStream(events: answer.events)) {}
    }

    private static func message(_ input: EmbeddingRequest.Input) -> Message? {
        guard case .text(let text) = input else { return nil }
        return .user(text)
    }
}
