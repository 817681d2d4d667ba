public import Foundation
internal import GRDB

/// A row of `token_quotas`.
struct TokenQuotaRecord: Sendable, Hashable, Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "token_quotas"

    var keyID: String
    var period: String
    var tokens: Int
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case period, tokens
        case keyID = "key_id"
        case updatedAt = "updated_at"
    }
}

extension SQLiteStore {
    public func quotaTokens(keyID: String, periods: [String]) async throws -> [String: Int] {
        let records = try await pool.read { db in
            try TokenQuotaRecord.filter(Column("key_id") == keyID && periods.contains(Column("period"))).fetchAll(db)
        }
        var totals = Dictionary(uniqueKeysWithValues: periods.map { ($0, 0) })
        for record in records { totals[record.period] = record.tokens }
        return totals
    }

    public func addQuotaTokens(_ tokens: Int, keyID: String, periods: [String], now: Date = Date()) async throws {
        guard tokens != 0, !periods.isEmpty else { return }
        try await pool.write { db in
            for period in periods {
                try db.execute(
                    sql: """
                        INSERT INTO token_quotas (key_id, period, tokens, updated_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (key_id, period) DO UPDATE SET
                            tokens = tokens + excluded.tokens, updated_at = excluded.updated_at
                        """,
                    arguments: [keyID, period, tokens, now])
            }
        }
    }

    public func quotaTotals() async throws -> [QuotaTotal] {
        try await pool.read { db in
            try TokenQuotaRecord.order(Column("key_id"), Column("period")).fetchAll(db).map {
                QuotaTotal(keyID: $0.keyID, period: $0.period, tokens: $0.tokens, updatedAt: $0.updatedAt)
            }
        }
    }
}
