internal import Foundation

/// Totals of the usage of one key and model over a period.
public struct UsageSummary: Sendable, Hashable {
    public init(
        keyName: String, model: String, requests: Int, errors: Int, inputTokens: Int, outputTokens: Int, cacheReadInputTokens: Int,
        cacheHits: Int
    ) {
        self.keyName = keyName
        self.model = model
        self.requests = requests
        self.errors = errors
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadInputTokens = cacheReadInputTokens
        self.cacheHits = cacheHits
    }

    public var keyName: String
    public var model: String
    public var requests: Int
    public var errors: Int
    public var inputTokens: Int
    public var outputTokens: Int
    public var cacheReadInputTokens: Int
    public var cacheHits: Int
}
