public import SluiceCore
public import SluiceStore

/// The stages Sluice ships, and the shared services they keep their state in.
public enum BuiltInPolicyStages {
    /// Every built-in stage factory; a custom stage is added next to these in `sluice serve`.
    public static var factories: [any PolicyStageFactory] {
        [PIIStageFactory(), ContentStageFactory(), RateLimitStageFactory(), CacheStageFactory()]
    }

    /// Services that outlive policy reloads: rate-limit counters and quotas, and the response
    /// cache, both backed by the database. Create once per server.
    public static func environment(database: SluiceDatabase) -> PolicyEnvironment {
        PolicyEnvironment(services: [
            RateLimitLedger.serviceName: RateLimitLedger(database: database),
            ResponseCache.serviceName: ResponseCache(database: database),
        ])
    }
}
