public import Foundation
public import SluiceCore

/// One budget's spending in its current period.
public struct BudgetStatus: Sendable, Hashable {
    public let budget: Budget
    public let spent: USD
    public let resetsAt: Date

    public init(budget: Budget, spent: USD, resetsAt: Date) {
        self.budget = budget
        self.spent = spent
        self.resetsAt = resetsAt
    }

    public var isSpent: Bool { spent >= budget.limit }
}
