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
    /// Records finished requests from usage journal segment `segment`, all in one transaction
    /// with the journal mark, on GRDB's writer thread rather than the caller's.
    public func recordUsage(_ records: [UsageRecord], journalSegment segment: UInt64) async throws {
        try await pool.write { db in try Self.insert(records, journalSegment: segment, db) }
    }

    /// ``recordUsage(_:journalSegment:)`` at start-up, for the segments an earlier run left.
    public func replayUsage(_ records: [UsageRecord], journalSegment segment: UInt64) throws {
        try pool.write { db in try Self.insert(records, journalSegment: segment, db) }
    }

    /// The newest usage journal segment already in `usage` (0 for none).
    public func usageJournalMark() throws -> UInt64 {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT segment FROM usage_journal_mark WHERE id = 1") }
            .map { UInt64($0) } ?? 0
    }

    private static func insert(_ records: [UsageRecord], journalSegment segment: UInt64, _ db: Database) throws {
        for var record in records { try record.insert(db) }
        try db.execute(
            sql: "INSERT INTO usage_journal_mark (id, segment) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET segment = excluded.segment",
            arguments: [Int64(segment)])
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
