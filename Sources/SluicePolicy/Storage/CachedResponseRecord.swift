public import Foundation

/// One stored response: an opaque body (the policy module's JSON form of a canonical response)
/// under the hash of the request it answers.
public struct CachedResponseRecord: Sendable, Hashable, Codable {
    /// Hex SHA-256 of the canonical request (see ``CacheKey``).
    public var cacheKey: String
    public var body: String
    /// The body's size in bytes, what `max_bytes` counts.
    public var size: Int
    public var createdAt: Date
    /// Updated lazily: hits are remembered in memory and written with the next store (see
    /// ``PolicyStore/storeCachedResponse(_:touches:expiredBefore:maxEntries:maxBytes:)``).
    public var lastUsedAt: Date

    public init(cacheKey: String, body: String, createdAt: Date, lastUsedAt: Date? = nil) {
        self.cacheKey = cacheKey
        self.body = body
        self.size = body.utf8.count
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt ?? createdAt
    }

    enum CodingKeys: String, CodingKey {
        case body, size
        case cacheKey = "cache_key"
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
    }
}
