public import Foundation
public import SluiceCore

/// One budget's spending in one period: the account (`key:ID`, `team:NAME`) and the period's
/// label (see ``BudgetPeriod/Window/label``).
public struct SpendingAccount: Sendable, Hashable {
    public var account: String
    public var period: String

    public init(account: String, period: String) {
        self.account = account
        self.period = period
    }
}

/// Where the spending that budgets cap is counted: one row per account and period, added to
/// atomically, so every process on the database (every PostgreSQL replica) reads the same totals.
///
/// The policy module owns this protocol and the stores implement it, as with ``PolicyStore``.
public protocol BudgetStore: Sendable {
    /// What each of `accounts` has spent; an account never charged has spent nothing.
    func spending(_ accounts: [SpendingAccount]) async throws -> [SpendingAccount: USD]

    /// Adds `amount` to each of `accounts` atomically, and returns their totals after the addition.
    func addSpending(_ amount: USD, to accounts: [SpendingAccount], now: Date) async throws -> [SpendingAccount: USD]
}
