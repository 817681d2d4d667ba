public import SluiceCore

/// The stages Sluice ships, and the shared services they keep their state in.
public enum BuiltInPolicyStages {
    /// Every built-in stage factory; a custom stage is added next to these in `sluice serve`.
    public static var factories: [any PolicyStageFactory] {
        [PIIStageFactory(), ContentStageFactory(), RateLimitStageFactory(), CacheStageFactory(), RAGStageFactory()]
    }

    /// Services that outlive policy reloads: rate-limit counters and quotas, and the response
    /// cache, both backed by the store. Create once per server.
    ///
    /// - Parameter slotLease: the longest a request may run (a concurrency slot held by a replica
    ///   that died frees itself after it).
    /// - Parameter retriever: the `rag` stage's collections; `nil` where the store keeps none.
    public static func environment(store: any PolicyStore, slotLease: Duration, retriever: Retriever? = nil) -> PolicyEnvironment {
        var services: [String: any Sendable] = [
            RateLimitLedger.serviceName: RateLimitLedger(store: store, slotLease: slotLease),
            ResponseCache.serviceName: ResponseCache(store: store),
        ]
        if let retriever { services[Retriever.serviceName] = retriever }
        return PolicyEnvironment(services: services)
    }
}
