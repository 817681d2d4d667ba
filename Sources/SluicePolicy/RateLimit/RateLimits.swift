internal import SluiceCore

/// The limits one request is held to: the policy's, with the key's own overrides applied.
/// `nil` means no limit of that kind.
struct RateLimits: Sendable, Hashable {
    var requestsPerMinute: Int?
    var tokensPerMinute: Int?
    var concurrency: Int?
    var dailyTokens: Int?
    var monthlyTokens: Int?

    static let settingNames = ["requests_per_minute", "tokens_per_minute", "concurrency", "daily_tokens", "monthly_tokens"]

    init(
        requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil, concurrency: Int? = nil, dailyTokens: Int? = nil,
        monthlyTokens: Int? = nil
    ) {
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.concurrency = concurrency
        self.dailyTokens = dailyTokens
        self.monthlyTokens = monthlyTokens
    }

    /// Reads the `rate_limit` section of a policy. An absent or `null` field sets no limit; a
    /// present one must be a positive integer. Unknown fields are errors, so a misspelt limit
    /// is caught when the policy loads instead of silently not applying.
    init(settings: JSONCursor) throws(SluiceError) {
        guard try settings.isSettingsSection(of: Self.settingNames) else { return }
        func limit(_ name: String) throws(SluiceError) -> Int? {
            guard let field = try settings.optional(name) else { return nil }
            guard let value = field.value.intValue, value > 0 else {
                throw .invalidRequest("\(field.path): expected a positive integer or null")
            }
            return value
        }
        requestsPerMinute = try limit("requests_per_minute")
        tokensPerMinute = try limit("tokens_per_minute")
        concurrency = try limit("concurrency")
        dailyTokens = try limit("daily_tokens")
        monthlyTokens = try limit("monthly_tokens")
    }

    /// These limits with a key's overrides (`sluice keys create --rpm/--tpm/--concurrency`).
    /// An override of 0 or less lifts that limit for the key.
    func overridden(by key: KeyLimits) -> RateLimits {
        var limits = self
        if let value = key.requestsPerMinute { limits.requestsPerMinute = value > 0 ? value : nil }
        if let value = key.tokensPerMinute { limits.tokensPerMinute = value > 0 ? value : nil }
        if let value = key.concurrency { limits.concurrency = value > 0 ? value : nil }
        return limits
    }

    var isUnlimited: Bool {
        requestsPerMinute == nil && tokensPerMinute == nil && concurrency == nil && dailyTokens == nil && monthlyTokens == nil
    }

    var hasQuota: Bool { dailyTokens != nil || monthlyTokens != nil }
}
