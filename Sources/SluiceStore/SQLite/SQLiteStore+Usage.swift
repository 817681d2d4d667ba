public import Foundation
public import GRDB

extension UsageRecord: FetchableRecord, MutablePersistableRecord {
    public static var databaseTableName: String { "usage" }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension SQLiteStore {
    /// The journal is ignored: a SQLite file has one server, and so one journal, whose mark is
    /// `usage_journal_mark`.
    public func recordUsage(_ records: [UsageRecord], journal: String, segment: UInt64) async throws {
        try await pool.write { db in
            for var record in records { try record.insert(db) }
            try db.execute(
                sql: "INSERT INTO usage_journal_mark (id, segment) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET segment = excluded.segment",
                arguments: [Int64(segment)])
        }
    }

    public func usageJournalMark(journal: String) async throws -> UInt64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT segment FROM usage_journal_mark WHERE id = 1") }
            .map { UInt64($0) } ?? 0
    }

    public func usageSummary(since: Date, until: Date?, keyName: String?, by grouping: UsageGrouping) async throws -> [UsageSummary] {
        let groups = grouping.columns(.sqlite)
        return try await pool.read { db in
            var sql = """
                SELECT \(groups.map { "\($0.expression) AS \($0.name)" }.joined(separator: ", ")),
                       COUNT(*) AS requests, SUM(status >= 400) AS errors, SUM(input_tokens) AS input_tokens,
                       SUM(output_tokens) AS output_tokens, SUM(cache_read_input_tokens) AS cache_read, SUM(cache_hit) AS cache_hits,
                       TOTAL(cost_usd) AS cost_usd
                FROM usage WHERE created_at >= ?
                """
            var arguments: StatementArguments = [since]
            if let until {
                sql += " AND created_at < ?"
                arguments += [until]
            }
            if let keyName {
                sql += " AND key_name = ?"
                arguments += [keyName]
            }
            let groupNumbers = (1...groups.count).map(String.init).joined(separator: ", ")
            sql += " GROUP BY \(groupNumbers) ORDER BY " + (grouping == .day ? "1" : "requests DESC, \(groupNumbers)")
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                UsageSummary(
                    group: Dictionary(uniqueKeysWithValues: groups.map { ($0.name, row[$0.name] as String? ?? "-") }),
                    requests: row["requests"], errors: row["errors"], inputTokens: row["input_tokens"],
                    outputTokens: row["output_tokens"], cacheReadInputTokens: row["cache_read"], cacheHits: row["cache_hits"],
                    costUSD: row["cost_usd"])
            }
        }
    }

    public func usage(afterID id: Int64, limit: Int) async throws -> [UsageRecord] {
        try await pool.read { db in
            try UsageRecord.filter(Column("id") > id).order(Column("id")).limit(limit).fetchAll(db)
        }
    }
}
