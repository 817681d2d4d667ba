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
        return try await call.openAIProtocolEvents(
            path: "/responses", body: ResponsesRequestEncoder.encode(request), for: request, streamDecoder: ResponsesStreamDecoder(),
            documentDecoder: ResponsesResponseDecoder.decode)
    }

    /// The Responses API has no token count: a conservative estimate.
    public func countTokens(_ request: ChatRequest) async throws -> Int {
        TokenEstimate.inputTokens(of: request)
    }
}
