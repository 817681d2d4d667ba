public import SluiceCore

/// Builds the `cache` stage from a policy's `cache` section:
///
/// ```yaml
/// cache:
///   enabled: true         # false: the stage does nothing and adds no header
///   scope: key            # key: each key has its own cache; shared: one for all keys
///   ttl: 1h               # a duration (30s, 10m, 1h, 7d) or seconds
///   max_entries: 10000
///   max_bytes: 268435456
/// ```
///
/// Entries live in the ``ResponseCache`` the server registers in the environment, so reloads
/// and restarts keep them. Without one (`sluice policies test`), each stage gets a cache of its
/// own in memory, emptied by a reload.
public struct CacheStageFactory: PolicyStageFactory {
    public let name = "cache"

    public init() {}

    public func makeStage(settings: JSONCursor, environment: PolicyEnvironment) throws -> any PolicyStage {
        let settings = try CacheSettings(settings: settings)
        let cache = environment.service(ResponseCache.serviceName, as: ResponseCache.self) ?? ResponseCache(store: nil)
        return CacheStage(settings: settings, cache: cache)
    }
}
