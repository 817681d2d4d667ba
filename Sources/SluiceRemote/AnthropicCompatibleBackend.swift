internal import SluiceAnthropic
public import SluiceCore
public import SluiceCurl

/// A backend that speaks the Anthropic Messages API natively, so thinking signatures,
/// `cache_control`, betas and fields Sluice does not interpret all reach it unchanged.
public struct AnthropicCompatibleBackend: Backend {
    public let name: String
    private let call: UpstreamCall

    /// The API version Sluice speaks to Anthropic upstreams.
    static let apiVersion = "2023-06-01"

    public init(name: String, endpoint: RemoteEndpoint, client: CurlClient) {
        self.name = name
        self.call = UpstreamCall(backendName: name, endpoint: endpoint, client: client)
    }

    public func start(_ request: ChatRequest) async throws -> EventStream {
        try await respond(to: request).events
    }

    /// The events, with the upstream's rate-limit and retry headers for Anthropic clients.
    public func respond(to request: ChatRequest) async throws -> BackendResponse {
        let request = call.endpoint.capped(request)
        var headers = headers(for: request)
        headers.add(name: "accept", value: "text/event-stream")
        let answer = try await call.post(
            path: "/messages", body: AnthropicRequestEncoder.encode(request, stream: true), headers: headers,
            affinity: request.affinityHash, upstreamError: Self.upstreamError)
        let clientHeaders = AnthropicClientHeaders.select(from: UpstreamCall.fields(of: answer.response.headers))
        if let document = try await call.jsonDocument(of: answer.response) {
            return BackendResponse(
                events: EventStream(events: try AnthropicResponseDecoder.decode(document).events), anthropicHeaders: clientHeaders)
        }
        return BackendResponse(
            events: UpstreamEventStream.make(
                leading: [], body: answer.response.body, lease: answer.lease, decoder: AnthropicStreamDecoder(), call: call),
            anthropicHeaders: clientHeaders)
    }

    /// Asks the upstream's own `count_tokens`, which counts exactly.
    public func countTokens(_ request: ChatRequest) async throws -> Int {
        var body = AnthropicRequestEncoder.encode(request, stream: false)
        if case .object(var object) = body {
            // count_tokens refuses the generation-only fields.
            for field in [
                "max_tokens", "stream", "temperature", "top_p", "top_k", "min_p", "repetition_penalty", "seed", "stop_sequences",
                "metadata",
            ] {
                object[field] = nil
            }
            body = .object(object)
        }
        let answer = try await call.post(
            path: "/messages/count_tokens", body: body, headers: headers(for: request), affinity: request.affinityHash,
            upstreamError: Self.upstreamError)
        let count = try await answer.response.body.collect(upTo: 1024 * 1024)
        guard let parsed = try? JSONParser.parse(count), let tokens = parsed["input_tokens"]?.intValue else {
            throw SluiceError.upstreamFailed("backend '\(name)' sent an unreadable token count")
        }
        return tokens
    }

    /// The error, carrying the upstream's own answer for Anthropic clients.
    private static func upstreamError(status: Int, headers: [HeaderField], body: [UInt8], retryAfter: Double?) -> SluiceError {
        AnthropicUpstreamError.error(status: status, body: body, retryAfter: retryAfter)
            .passingOn(anthropicReply: AnthropicUpstreamError.reply(status: status, headers: headers, body: body))
    }

    private func headers(for request: ChatRequest) -> CurlHeaders {
        var headers: CurlHeaders = ["anthropic-version": Self.apiVersion]
        if !request.anthropicBeta.isEmpty { headers.add(name: "anthropic-beta", value: request.anthropicBeta.joined(separator: ",")) }
        return headers
    }
}
