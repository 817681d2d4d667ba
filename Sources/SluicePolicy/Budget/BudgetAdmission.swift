public import Foundation
public import SluiceCore

/// What a request was admitted under: the accounts to charge when it ends, and the budgets'
/// state when it started.
public struct BudgetAdmission: Sendable {
    public struct Charge: Sendable, Hashable {
        public let budget: Budget
        public let account: SpendingAccount
        public let resetsAt: Date
    }

    public let charges: [Charge]
    public let statuses: [BudgetStatus]
    /// Set when a budget is spent: the request must not start.
    public let refusal: SluiceError?

    /// Nothing to charge: a caller with no budgets.
    public static let unbudgeted = BudgetAdmission(charges: [], statuses: [], refusal: nil)
}
