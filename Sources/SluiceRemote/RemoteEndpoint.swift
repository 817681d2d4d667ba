internal import SluiceCore

/// Where a remote backend is and how to reach it.
public struct RemoteEndpoint: Sendable {
    /// The API root, e.g. `http://127.0.0.1:9000/v1`; paths such as `/chat/completions` are appended.
    public var baseURL: String
    /// Sent as the upstream's credential; read from the environment, never from the config file.
    public var apiKey: String?
    public var connectTimeout: Duration
    /// The longest the upstream may stay silent while Sluice waits for it.
    public var readTimeout: Duration
    /// Caps a request's `max_tokens`; `nil` sends the client's.
    public var maxOutputTokens: Int?
    /// PEM certificates that verify the upstream's TLS certificate instead of the system's.
    public var caFile: String?

    public init(
        baseURL: String, apiKey: String?, connectTimeout: Duration, readTimeout: Duration, maxOutputTokens: Int? = nil,
        caFile: String? = nil
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.maxOutputTokens = maxOutputTokens
        self.caFile = caFile
    }

    /// `request` with its `max_tokens` within this backend's cap.
    func capped(_ request: ChatRequest) -> ChatRequest {
        guard let cap = maxOutputTokens else { return request }
        var request = request
        request.maxTokens = min(request.maxTokens ?? cap, cap)
        return request
    }
}
