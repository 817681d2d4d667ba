public import Foundation
internal import Logging
internal import PostgresNIO
public import SluicePolicy

extension PostgresStore {
    public func cachedResponse(forKey cacheKey: String) async throws -> CachedResponseRecord? {
        try await run { client in
            try await client.query("SELECT body, created_at, last_used_at FROM response_cache WHERE cache_key = \(cacheKey)")
                .collect().first.map { row in
                    let (body, createdAt, lastUsedAt) = try row.decode((String, Date, Date).self)
                    return CachedResponseRecord(cacheKey: cacheKey, body: body, createdAt: createdAt, lastUsedAt: lastUsedAt)
                }
        }
    }

    public func storeCachedResponse(
        _ record: CachedResponseRecord, touches: [String: Date], expiredBefore: Date, maxEntries: Int, maxBytes: Int
    ) async throws -> [String] {
        let logger = logger
        return try await run { client in
            try await client.withTransaction(logger: logger) { connection in
                for (cacheKey, usedAt) in touches {
                    try await connection.query(
                        "UPDATE response_cache SET last_used_at = \(usedAt) WHERE cache_key = \(cacheKey) AND last_used_at < \(usedAt)",
                        logger: logger)
                }
                var removed = try await connection.query(
                    """
                    DELETE FROM response_cache WHERE created_at < \(expiredBefore) AND cache_key <> \(record.cacheKey)
                    RETURNING cache_key
                    """, logger: logger
                ).collect().map { try $0.decode(String.self) }
                try await connection.query(
                    """
                    INSERT INTO response_cache (cache_key, body, size, created_at, last_used_at)
                    VALUES (\(record.cacheKey), \(record.body), \(record.size), \(record.createdAt), \(record.lastUsedAt))
                    ON CONFLICT (cache_key) DO UPDATE SET body = excluded.body, size = excluded.size,
                        created_at = excluded.created_at, last_used_at = excluded.last_used_at
                    """, logger: logger)
                // Oldest use first, until both bounds hold: a running total over the eviction order.
                removed += try await connection.query(
                    """
                    WITH totals AS (SELECT COUNT(*) AS entries, COALESCE(SUM(size), 0) AS bytes FROM response_cache),
                    ordered AS (
                        SELECT cache_key, size,
                               ROW_NUMBER() OVER (ORDER BY last_used_at, created_at, cache_key) AS position,
                               SUM(size) OVER (ORDER BY last_used_at, created_at, cache_key) AS freed
                        FROM response_cache WHERE cache_key <> \(record.cacheKey)
                    )
                    DELETE FROM response_cache WHERE cache_key IN (
                        SELECT ordered.cache_key FROM ordered, totals
                        WHERE totals.entries - ordered.position + 1 > \(maxEntries)
                           OR totals.bytes - ordered.freed + ordered.size > \(maxBytes)
                    ) RETURNING cache_key
                    """, logger: logger
                ).collect().map { try $0.decode(String.self) }
                return removed
            }
        }
    }

    public func removeCachedResponse(forKey cacheKey: String) async throws {
        try await run { client in try await client.query("DELETE FROM response_cache WHERE cache_key = \(cacheKey)") }
    }
}
