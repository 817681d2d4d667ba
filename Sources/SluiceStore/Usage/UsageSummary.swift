internal import Foundation

/// Totals of the usage of one group (a key, a team, a key and model, a session, an agent or a
/// day) over a period.
public struct UsageSummary: Sendable, Hashable {
    public init(
        group: [String: String], requests: Int, errors: Int, inputTokens: Int, outputTokens: Int, cacheReadInputTokens: Int,
        cacheHits: Int, costUSD: Double = 0
    ) {
        self.group = group
        self.requests = requests
        self.errors = errors
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadInputTokens = cacheReadInputTokens
        self.cacheHits = cacheHits
        self.costUSD = costUSD
    }

    /// The group's columns by name (see ``UsageGrouping/columnNames``), `-` for none.
    public var group: [String: String]
    public var requests: Int
    public var errors: Int
    public var inputTokens: Int
    public var outputTokens: Int
    public var cacheReadInputTokens: Int
    public var cacheHits: Int
    public var costUSD: Double

    public var keyName: String? { group["key_name"] }
    public var team: String? { group["team"] }
    public var model: String? { group["model"] }
    public var session: String? { group["session"] }
    public var agent: String? { group["agent"] }
    public var day: String? { group["day"] }
}
