internal import CCrypto
public import Foundation
public import GRDB

/// One stored response: an opaque body (the policy module's JSON form of a canonical response)
/// under the hash of the request it answers.
public struct CachedResponseRecord: Sendable, Hashable, Codable {
    /// Hex SHA-256 of the canonical request (see ``SluiceDatabase/sha256Hex(_:)``).
    public var cacheKey: String
    public var body: String
    /// The body's size in bytes, what `max_bytes` counts.
    public var size: Int
    public var createdAt: Date
    /// Updated lazily: hits are remembered in memory and written with the next store (see
    /// ``SluiceDatabase/storeCachedResponse(_:touches:expiredBefore:maxEntries:maxBytes:)``).
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

extension CachedResponseRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { "response_cache" }
}

extension SluiceDatabase {
    /// Lower-case hex SHA-256 of `bytes`, for keys derived from content (the response cache's).
    ///
    /// Kept here so that OpenSSL stays behind the store, the only module that links it.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        bytes.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                _ = SHA256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        let hexDigits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(digest.count * 2)
        for byte in digest {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0xF)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// The stored response under `cacheKey`, fresh or not: the caller judges its age.
    public func cachedResponse(forKey cacheKey: String) async throws -> CachedResponseRecord? {
        try await pool.read { db in try CachedResponseRecord.fetchOne(db, key: cacheKey) }
    }

    /// Stores `record` (replacing any entry under its key), then brings the cache within bounds.
    ///
    /// In one transaction: writes the pending `touches` (when each entry was last used), removes
    /// entries created before `expiredBefore`, stores the record, and evicts the least recently
    /// used other entries until at most `maxEntries` remain and their sizes add up to at most
    /// `maxBytes`.
    ///
    /// - Returns: the keys removed (expired or evicted), so a memory front can drop them too.
    @discardableResult
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

    /// Removes the entry under `cacheKey`, if any (one found expired, or unreadable).
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
