public import SluiceCore

/// Where a remote backend is and how to reach it.
public struct RemoteEndpoint: Sendable {
    /// The model servers, each an API root such as `http://127.0.0.1:9000/v1` (paths such as
    /// `/chat/completions` are appended), and which of them a request goes to.
    public var replicas: ReplicaPool
    /// What each replica's requests carry besides the protocol's own headers, by replica index:
    /// the credential (read from the environment, never from the config file) and configured
    /// headers. Replicas behind one backend may belong to different accounts or tenants.
    public var replicaHeaders: [[HeaderField]]
    public var connectTimeout: Duration
    /// The longest the upstream may stay silent while Sluice waits for it.
    public var readTimeout: Duration
    /// Caps a request's `max_tokens`; `nil` sends the client's.
    public var maxOutputTokens: Int?
    /// PEM certificates that verify the upstream's TLS certificate instead of the system's.
    public var caFile: String?

    public init(
        replicas: ReplicaPool, replicaHeaders: [[HeaderField]], connectTimeout: Duration, readTimeout: Duration,
        maxOutputTokens: Int? = nil,
        caFile: String? = nil
    ) {
        precondition(replicaHeaders.count == replicas.urls.count, "headers for every replica")
        self.replicas = replicas
        self.replicaHeaders = replicaHeaders
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.maxOutputTokens = maxOutputTokens
        self.caFile = caFile
    }

    /// `url` without the slash it may end with, as a replica's API root.
    public static func apiRoot(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// `request` with its `max_tokens` within this backend's cap.
    func capped(_ request: ChatRequest) -> ChatRequest {
        guard let cap = maxOutputTokens else { return request }
        var request = request
        request.maxTokens = min(request.maxTokens ?? cap, cap)
        return request
    }
}
