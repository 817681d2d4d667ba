public import Foundation
internal import PostgresNIO
public import SluiceCore
public import SluicePolicy

extension PostgresStore {
    /// One round trip for all of a request's budgets (its key's and its team's).
    public func spending(_ accounts: [SpendingAccount]) async throws -> [SpendingAccount: USD] {
        let names = accounts.map(\.account), periods = accounts.map(\.period)
        let rows = try await run { client in
            try await client.query(
                """
                SELECT account, period, spent_nanodollars FROM budget_spending
                WHERE (account, period) IN (SELECT * FROM unnest(\(names)::text[], \(periods)::text[]))
                """
            ).collect().map { try $0.decode((String, String, Int64).self) }
        }
        var totals = Dictionary(uniqueKeysWithValues: accounts.map { ($0, USD.zero) })
        for (account, period, spent) in rows { totals[SpendingAccount(account: account, period: period)] = USD(nanodollars: spent) }
        return totals
    }

    /// One statement, atomic per row: replicas charging the same budget at once each add to the
    /// latest total, and each learns the total its own addition made.
    public func addSpending(_ amount: USD, to accounts: [SpendingAccount], now: Date) async throws -> [SpendingAccount: USD] {
        let names = accounts.map(\.account), periods = accounts.map(\.period)
        let rows = try await run { client in
            try await client.query(
                """
                INSERT INTO budget_spending (account, period, spent_nanodollars, updated_at)
                SELECT account, period, \(amount.nanodollars), \(now) FROM unnest(\(names)::text[], \(periods)::text[]) AS t(account, period)
                ON CONFLICT (account, period) DO UPDATE SET
                    spent_nanodollars = budget_spending.spent_nanodollars + excluded.spent_nanodollars, updated_at = excluded.updated_at
                RETURNING account, period, spent_nanodollars
                """
            ).collect().map { try $0.decode((String, String, Int64).self) }
        }
        var totals: [SpendingAccount: USD] = [:]
        for (account, period, spent) in rows { totals[SpendingAccount(account: account, period: period)] = USD(nanodollars: spent) }
        return totals
    }
}
