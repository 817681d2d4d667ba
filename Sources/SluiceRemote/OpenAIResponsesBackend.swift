public import SluiceCore
public import SluiceCurl
internal import SluiceOpenAI

/// A backend that speaks the OpenAI Responses API (`POST /responses`): OpenAI itself, or a
/// server with the same API. It runs OpenAI's built-in tools, which no other backend can.
///
/// Requests always go upstream as streams, so streaming and non-streaming clients share one
/// path; an upstream that answers with one JSON document anyway is handled too.
public struct OpenAIResponsesBackend: Backend {
    public let name: String
    private let call: UpstreamCall

    public init(name: String, endpoint: RemoteEndpoint, client: CurlClient) {
        self.name = name
        self.call = UpstreamCall(backendName: name, endpoint: endpoint, client: client)
    }

    public var runsOpenAIBuiltInTools: Bool { true }

    public func start(_ request: ChatRequest) async throws -> EventStream {
        let request = call.endpoint.capped(request)
        let headers: CurlHeaders = ["accept": "text/event-stream"]
        let answer = try await call.post(
            path: "/responses", body: ResponsesRequestEncoder.encode(request), headers: headers,
            affinity: request.affinityHash,
            upstreamError: { status, _, body, wait in OpenAIUpstreamError.error(status: status, body: body, retryAfter: wait) })
        let messageID = Identifiers.messageID()
        if let document = try await call.jsonDocument(of: answer.response) {
            return EventStream(events: try ResponsesResponseDecoder.decode(document, messageID: messageID).events)
        }
        let start = StreamEvent.messageStart(
            id: messageID, model: request.model, usage: Usage(inputTokens: TokenEstimate.inputTokens(of: request)))
        return UpstreamEventStream.make(
            leading: [start], body: answer.response.body, lease: answer.lease, decoder: ResponsesStreamDecoder(), call: call)
    }

    /// The Responses API has no token count: a conservative estimate.
    public func countTokens(_ request: ChatRequest) async throws -> Int {
        TokenEstimate.inputTokens(of: request)
    }
}
