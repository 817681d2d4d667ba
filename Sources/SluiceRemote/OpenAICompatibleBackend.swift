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
        return try await call.openAIProtocolEvents(
            path: "/chat/completions", body: OpenAIRequestEncoder.encode(request, stream: true, options: options), for: request,
            streamDecoder: OpenAIStreamDecoder(), documentDecoder: OpenAIResponseDecoder.decode)
    }

    /// OpenAI-compatible servers have no standard way to count tokens: a conservative estimate.
    public func countTokens(_ request: ChatRequest) async throws -> Int {
        TokenEstimate.inputTokens(of: request)
    }
}
