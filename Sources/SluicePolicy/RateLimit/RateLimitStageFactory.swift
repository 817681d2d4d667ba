public import SluiceCore

/// Builds the `rate_limit` stage from a policy's `rate_limit` section:
///
/// ```yaml
/// rate_limit:
///   requests_per_minute: 600      # per key; null or absent: no limit
///   tokens_per_minute: 2000000
///   concurrency: 32
///   daily_tokens: null            # UTC day, kept in SQLite
///   monthly_tokens: null          # UTC month, kept in SQLite
/// ```
///
/// A key's own limits (``SluiceCore/KeyLimits``) override the first three. Counters live in the
/// ``RateLimitLedger`` the server registers in the environment, so a reload keeps them. Without
/// one (`sluice policies test`), each stage gets a ledger of its own in memory: limits still
/// apply, but a reload starts them afresh and quotas are not persisted.
public struct RateLimitStageFactory: PolicyStageFactory {
    public let name = "rate_limit"

    public init() {}

    public func makeStage(settings: JSONCursor, environment: PolicyEnvironment) throws -> any PolicyStage {
        let limits = try RateLimits(settings: settings)
        let ledger = environment.service(RateLimitLedger.serviceName, as: RateLimitLedger.self) ?? RateLimitLedger(store: nil)
        return RateLimitStage(limits: limits, ledger: ledger)
    }
}
