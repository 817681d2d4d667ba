public import Foundation
internal import PostgresNIO
public import SluiceStore

extension PostgresStore {
    public func quotaTokens(keyID: String, periods: [String]) async throws -> [String: Int] {
        let rows = try await run { client in
            try await client.query("SELECT period, tokens FROM token_quotas WHERE key_id = \(keyID) AND period = ANY(\(periods))")
                .collect().map { try $0.decode((String, Int).self) }
        }
        var totals = Dictionary(uniqueKeysWithValues: periods.map { ($0, 0) })
        for (period, tokens) in rows { totals[period] = tokens }
        return totals
    }

    public func addQuotaTokens(_ tokens: Int, keyID: String, periods: [String], now: Date) async throws {
        guard tokens != 0, !periods.isEmpty else { return }
        try await run { client in
            try await client.query(
                """
                INSERT INTO token_quotas (key_id, period, tokens, updated_at)
                SELECT \(keyID), period, \(tokens), \(now) FROM unnest(\(periods)::text[]) AS period
                ON CONFLICT (key_id, period) DO UPDATE SET
                    tokens = token_quotas.tokens + excluded.tokens, updated_at = excluded.updated_at
                """)
        }
    }

    public func quotaTotals() async throws -> [QuotaTotal] {
        try await run { client in
            try await client.query("SELECT key_id, period, tokens, updated_at FROM token_quotas ORDER BY key_id, period").collect()
                .map { row in
                    let (keyID, period, tokens, updatedAt) = try row.decode((String, String, Int, Date).self)
                    return QuotaTotal(keyID: keyID, period: period, tokens: tokens, updatedAt: updatedAt)
                }
        }
    }
}
