public import SluiceCore
public import SluiceCurl
public import SluiceOpenAI

/// A backend that speaks the OpenAI Chat Completions API: vLLM, SGLang, llama-server, OpenAI, OpenRouter.
///
/// Requests always go upstream as streams (with usage), so streaming and non-streaming clients
/// share one path; an upstream that answers with one JSON document anyway is handled too.
public struct OpenAICompatibleBackend: Backend {
    public let name: String
    let call: UpstreamCall
    private let options: OpenAIUpstreamOptions

    public init(name: String, endpoint: RemoteEndpoint, options: OpenAIUpstreamOptions, client: CurlClient) {
        self.name = name
        self.call = UpstreamCall(backendName: name, endpoint: endpoint, client: client)
        self.options = options
    }

    public func start(_ request: ChatRequest) async throws -> EventStream {
        let request = call.endpoint.capped(request)
        let headers: CurlHeaders = ["accept": "text/event-stream"]
        let answer = try await call.post(
            path: "/chat/completions", body: OpenAIRequestEncoder.encode(request, stream: true, options: options),
            headers: headers, affinity: request.affinityHash,
            upstreamError: { status, _, body, wait in OpenAIUpstreamError.error(status: status, body: body, retryAfter: wait) })
        let messageID = Identifiers.messageID()
        if let document = try await call.jsonDocument(of: answer.response) {
            return EventStream(events: try OpenAIResponseDecoder.decode(document, messageID: messageID).events)
        }
        // Clients get `message_start` at once; the estimate is replaced by the real count at the end.
        let start = StreamEvent.messageStart(
            id: messageID, model: request.model, usage: Usage(inputTokens: TokenEstimate.inputTokens(of: request)))
        return UpstreamEventStream.make(
            leading: [start], body: answer.response.body, lease: answer.lease, decoder: OpenAIStreamDecoder(), call: call)
    }

    /// OpenAI-compatible servers have no standard way to count tokens: a conservative estimate.
    public func countTokens(_ request: ChatRequest) async throws -> Int {
        TokenEstimate.inputTokens(of: request)
    }
}
