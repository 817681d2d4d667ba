public import Foundation
public import GRDB
public import SluicePolicy

extension CachedResponseRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { "response_cache" }
}

extension SQLiteStore {
    public func cachedResponse(forKey cacheKey: String) async throws -> CachedResponseRecord? {
        try await pool.read { db in try CachedResponseRecord.fetchOne(db, key: cacheKey) }
    }

    public func storeCachedResponse(
        _ record: CachedResponseRecord, touches: [String: Date] = [:], expiredBefore: Date, maxEntries: Int, maxBytes: Int
    ) async throws -> [String] {
        try await pool.write { db in
            for (cacheKey, usedAt) in touches {
                try db.execute(
                    sql: "UPDATE response_cache SET last_used_at = ? WHERE cache_key = ? AND last_used_at < ?",
                    arguments: [usedAt, cacheKey, usedAt])
            }
            var removed = try String.fetchAll(
                db, sql: "SELECT cache_key FROM response_cache WHERE created_at < ? AND cache_key != ?",
                arguments: [expiredBefore, record.cacheKey])
            try db.execute(
                sql: "DELETE FROM response_cache WHERE created_at < ? AND cache_key != ?",
                arguments: [expiredBefore, record.cacheKey])
            try record.save(db)

            let totals = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS count, TOTAL(size) AS bytes FROM response_cache")
            var count: Int = totals?["count"] ?? 0
            var bytes = Int(totals?["bytes"] ?? 0.0)
            guard count > maxEntries || bytes > maxBytes else { return removed }
            var evicted: [String] = []
            do {
                // Oldest use first; among equals, the earlier insert. The cursor ends with this
                // scope, before the rows it read are deleted.
                let candidates = try Row.fetchCursor(
                    db, sql: "SELECT cache_key, size FROM response_cache WHERE cache_key != ? ORDER BY last_used_at, rowid",
                    arguments: [record.cacheKey])
                while count > maxEntries || bytes > maxBytes, let row = try candidates.next() {
                    evicted.append(row["cache_key"])
                    count -= 1
                    bytes -= row["size"] as Int
                }
            }
            for cacheKey in evicted {
                try db.execute(sql: "DELETE FROM response_cache WHERE cache_key = ?", arguments: [cacheKey])
            }
            removed += evicted
            return removed
        }
    }

    public func removeCachedResponse(forKey cacheKey: String) async throws {
        _ = try await pool.write { db in try CachedResponseRecord.deleteOne(db, key: cacheKey) }
    }

    /// How many responses are stored and their total size in bytes.
    public func responseCacheTotals() async throws -> (entries: Int, bytes: Int) {
        try await pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS count, TOTAL(size) AS bytes FROM response_cache")
            return (row?["count"] ?? 0, Int(row?["bytes"] ?? 0.0))
        }
    }
}
