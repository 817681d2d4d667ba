public import Foundation

/// What the built-in stages keep in the database: token quotas, the response cache and, when
/// several Sluice processes share the database, the rate-limit counters.
///
/// The policy module owns this protocol; the stores (SQLite, PostgreSQL) implement it, so a stage
/// never knows which database it runs on.
public protocol PolicyStore: Sendable {
    /// Counters every process on this database shares, or `nil` when one process owns the
    /// database (SQLite) and keeps its counters in memory.
    var sharedCounters: (any SharedCounterStore)? { get }

    /// The tokens `keyID` has used in each of `periods`; a period never charged counts 0.
    ///
    /// Period labels are chosen by the caller (the rate-limit stage uses the UTC day and month,
    /// `2025-11-21` and `2025-11`); the store only adds them up.
    func quotaTokens(keyID: String, periods: [String]) async throws -> [String: Int]

    /// Adds `tokens` to what `keyID` has used in each of `periods`, atomically.
    func addQuotaTokens(_ tokens: Int, keyID: String, periods: [String], now: Date) async throws

    /// The stored response under `cacheKey`, fresh or not: the caller judges its age.
    func cachedResponse(forKey cacheKey: String) async throws -> CachedResponseRecord?

    /// Stores `record` (replacing any entry under its key), then brings the cache within bounds.
    ///
    /// In one transaction: writes the pending `touches` (when each entry was last used), removes
    /// entries created before `expiredBefore`, stores the record, and evicts the least recently
    /// used other entries until at most `maxEntries` remain and their sizes add up to at most
    /// `maxBytes`.
    ///
    /// - Returns: the keys removed (expired or evicted), so a memory front can drop them too.
    func storeCachedResponse(
        _ record: CachedResponseRecord, touches: [String: Date], expiredBefore: Date, maxEntries: Int, maxBytes: Int
    ) async throws -> [String]

    /// Removes the entry under `cacheKey`, if any (one found expired, or unreadable).
    func removeCachedResponse(forKey cacheKey: String) async throws
}
