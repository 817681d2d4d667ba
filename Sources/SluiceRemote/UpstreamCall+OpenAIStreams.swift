internal import SluiceCore
internal import SluiceCurl
internal import SluiceOpenAI

extension UpstreamCall {
    /// POSTs a request that asks an OpenAI-protocol upstream (Chat Completions or Responses) for a
    /// stream, and gives its answer as canonical events: the stream, or the one JSON document some
    /// servers send instead of `stream: true`.
    func openAIProtocolEvents<Decoder: UpstreamStreamDecoding>(
        path: String, body: JSONValue, for request: ChatRequest, streamDecoder: Decoder,
        documentDecoder: (_ document: JSONValue, _ messageID: String) throws(SluiceError) -> ChatResponse
    ) async throws -> EventStream {
        let answer = try await post(
            path: path, body: body, headers: ["accept": "text/event-stream"], affinity: request.affinityHash,
            upstreamError: { status, _, body, wait in OpenAIUpstreamError.error(status: status, body: body, retryAfter: wait) })
        let messageID = Identifiers.messageID()
        if let document = try await jsonDocument(of: answer.response) {
            return EventStream(events: try documentDecoder(document, messageID).events)
        }
        // Clients get `message_start` at once; the estimate is replaced by the real count at the end.
        let start = StreamEvent.messageStart(
            id: messageID, model: request.model, usage: Usage(inputTokens: TokenEstimate.inputTokens(of: request)))
        return UpstreamEventStream.make(
            leading: [start], body: answer.response.body, lease: answer.lease, decoder: streamDecoder, call: self)
    }
}
