internal import Foundation

/// Totals of the usage of one key and one group (a model, a session or an agent) over a period.
public struct UsageSummary: Sendable, Hashable {
    public init(
        keyName: String, model: String? = nil, session: String? = nil, agent: String? = nil, requests: Int, errors: Int,
        inputTokens: Int, outputTokens: Int, cacheReadInputTokens: Int, cacheHits: Int
    ) {
        self.keyName = keyName
        self.model = model
        self.session = session
        self.agent = agent
        self.requests = requests
        self.errors = errors
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadInputTokens = cacheReadInputTokens
        self.cacheHits = cacheHits
    }

    public var keyName: String
    /// The group's columns (see ``UsageGrouping``); `nil` when not grouped by it, `-` for none.
    public var model: String?
    public var session: String?
    public var agent: String?
    public var requests: Int
    public var errors: Int
    public var inputTokens: Int
    public var outputTokens: Int
    public var cacheReadInputTokens: Int
    public var cacheHits: Int
}
