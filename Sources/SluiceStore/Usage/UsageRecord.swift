public import Foundation

/// One API request as recorded for `sluice usage`: who, which model and backend, tokens, outcome,
/// the client's agent session, and its cost. It holds no prompt or response text.
public struct UsageRecord: Sendable, Hashable, Codable {
    public var id: Int64?
    public var createdAt: Date
    public var keyID: String?
    public var keyName: String?
    public var model: String?
    public var backend: String?
    public var endpoint: String
    public var stream: Bool
    public var status: Int
    public var inputTokens: Int
    public var outputTokens: Int
    public var cacheReadInputTokens: Int
    public var cacheCreationInputTokens: Int
    /// Answered by Sluice's response cache, without a backend.
    public var cacheHit: Bool
    public var durationMilliseconds: Double
    /// What the policy stages did, e.g. `pii:EMAIL=1 cache:miss`.
    public var policies: String
    /// The subject of the certificate the client presented (mutual TLS), if any.
    public var clientCertificate: String?
    /// Claude Code's `x-claude-code-session-id`, `-agent-id` and `-parent-agent-id`, when sent.
    public var sessionID: String?
    public var agentID: String?
    public var parentAgentID: String?
    /// What the request cost in US dollars, from the configured prices (0 when unpriced).
    public var costUSD: Double
    /// The caller's team when the request was made.
    public var team: String?

    public init(
        createdAt: Date, keyID: String?, keyName: String?, model: String?, backend: String?, endpoint: String, stream: Bool,
        status: Int, inputTokens: Int = 0, outputTokens: Int = 0, cacheReadInputTokens: Int = 0, cacheCreationInputTokens: Int = 0,
        cacheHit: Bool = false, durationMilliseconds: Double, policies: String = "", clientCertificate: String? = nil,
        sessionID: String? = nil, agentID: String? = nil, parentAgentID: String? = nil, costUSD: Double = 0, team: String? = nil
    ) {
        self.createdAt = createdAt
        self.keyID = keyID
        self.keyName = keyName
        self.model = model
        self.backend = backend
        self.endpoint = endpoint
        self.stream = stream
        self.status = status
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadInputTokens = cacheReadInputTokens
        self.cacheCreationInputTokens = cacheCreationInputTokens
        self.cacheHit = cacheHit
        self.durationMilliseconds = durationMilliseconds
        self.policies = policies
        self.clientCertificate = clientCertificate
        self.sessionID = sessionID
        self.agentID = agentID
        self.parentAgentID = parentAgentID
        self.costUSD = costUSD
        self.team = team
    }

    enum CodingKeys: String, CodingKey {
        case id, model, backend, endpoint, stream, status, policies, team
        case createdAt = "created_at"
        case keyID = "key_id"
        case keyName = "key_name"
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case cacheReadInputTokens = "cache_read_input_tokens"
        case cacheCreationInputTokens = "cache_creation_input_tokens"
        case cacheHit = "cache_hit"
        case durationMilliseconds = "duration_ms"
        case clientCertificate = "client_certificate"
        case sessionID = "session_id"
        case agentID = "agent_id"
        case parentAgentID = "parent_agent_id"
        case costUSD = "cost_usd"
    }
}
