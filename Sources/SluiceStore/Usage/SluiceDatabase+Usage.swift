public import Foundation
internal import GRDB

/// Totals of the usage of one key and model over a period.
public struct UsageSummary: Sendable, Hashable {
    public var keyName: String
    public var model: String
    public var requests: Int
    public var errors: Int
    public var inputTokens: Int
    public var outputTokens: Int
    public var cacheReadInputTokens: Int
    public var cacheHits: Int
}

extension SluiceDatabase {
    /// Records finished requests, all in one transaction, on GRDB's writer thread rather than
    /// the caller's.
    public func recordUsage(_ records: [UsageRecord]) async throws {
        guard !records.isEmpty else { return }
        try await pool.write { db in
            for var record in records { try record.insert(db) }
        }
    }

    /// Per key and model totals since `since`, optionally for one key, busiest first.
    public func usageSummary(since: Date, keyName: String? = nil) throws -> [UsageSummary] {
        try pool.read { db in
            var sql = """
                SELECT COALESCE(key_name, '-') AS key_name, COALESCE(model, '-') AS model, COUNT(*) AS requests,
                       SUM(status >= 400) AS errors, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
                       SUM(cache_read_input_tokens) AS cache_read, SUM(cache_hit) AS cache_hits
                FROM usage WHERE created_at >= ?
                """
            var arguments: StatementArguments = [since]
            if let keyName {
                sql += " AND key_name = ?"
                arguments += [keyName]
            }
            sql += " GROUP BY 1, 2 ORDER BY requests DESC, key_name, model"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                UsageSummary(
                    keyName: row["key_name"], model: row["model"], requests: row["requests"], errors: row["errors"],
                    inputTokens: row["input_tokens"], outputTokens: row["output_tokens"], cacheReadInputTokens: row["cache_read"],
                    cacheHits: row["cache_hits"])
            }
        }
    }
}
