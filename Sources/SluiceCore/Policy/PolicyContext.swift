/// Who a request is from and how it asked to be treated, for the stages that care.
public struct PolicyContext: Sendable {
    /// What the request is for. Token counts (`count_tokens`) reach upstreams too, so scrubbing
    /// and content rules apply to them; limits concern generation and embeddings, the cache
    /// generation only.
    public enum Purpose: Sendable, Hashable {
        case generation
        case tokenCount
        /// `/v1/embeddings`: the inputs are shown to stages as user messages.
        case embedding
    }

    public let purpose: Purpose
    public let keyID: String
    public let keyName: String
    public let policyName: String
    public let requestID: String
    /// The client sent `cache-control: no-cache`: skip the response cache.
    public let bypassCache: Bool
    /// Per-key limits set with `sluice keys create --rpm/--tpm/--concurrency`, overriding the policy's.
    public let keyLimits: KeyLimits

    public init(
        purpose: Purpose = .generation, keyID: String, keyName: String, policyName: String, requestID: String,
        bypassCache: Bool = false, keyLimits: KeyLimits = KeyLimits()
    ) {
        self.purpose = purpose
        self.keyID = keyID
        self.keyName = keyName
        self.policyName = policyName
        self.requestID = requestID
        self.bypassCache = bypassCache
        self.keyLimits = keyLimits
    }
}

/// Limits set on one key; `nil` means the policy's value applies.
public struct KeyLimits: Sendable, Hashable {
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    public var concurrency: Int?

    public init(requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil, concurrency: Int? = nil) {
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.concurrency = concurrency
    }
}
