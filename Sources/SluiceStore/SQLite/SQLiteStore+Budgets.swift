public import Foundation
internal import GRDB
public import SluiceCore
public import SluicePolicy

extension SQLiteStore {
    public func spending(_ accounts: [SpendingAccount]) async throws -> [SpendingAccount: USD] {
        try await pool.read { db in
            var totals: [SpendingAccount: USD] = [:]
            for account in accounts {
                let spent = try Int64.fetchOne(
                    db, sql: "SELECT spent_nanodollars FROM budget_spending WHERE account = ? AND period = ?",
                    arguments: [account.account, account.period])
                totals[account] = USD(nanodollars: spent ?? 0)
            }
            return totals
        }
    }

    public func addSpending(_ amount: USD, to accounts: [SpendingAccount], now: Date) async throws -> [SpendingAccount: USD] {
        try await pool.write { db in
            var totals: [SpendingAccount: USD] = [:]
            for account in accounts {
                let spent = try Int64.fetchOne(
                    db,
                    sql: """
                        INSERT INTO budget_spending (account, period, spent_nanodollars, updated_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (account, period) DO UPDATE SET
                            spent_nanodollars = spent_nanodollars + excluded.spent_nanodollars, updated_at = excluded.updated_at
                        RETURNING spent_nanodollars
                        """,
                    arguments: [account.account, account.period, amount.nanodollars, now])
                totals[account] = USD(nanodollars: spent ?? amount.nanodollars)
            }
            return totals
        }
    }
}
