public import Foundation
public import SluiceCore
public import SluicePolicy

/// A group of keys, made with `sluice teams`: its policy applies to its keys that name none, and
/// its budget caps what all of them spend together.
public struct Team: Sendable, Hashable, Codable {
    public var name: String
    public var policy: String?
    /// The most the team's keys may spend together each `budgetPeriod`; `nil`: no budget.
    public var budgetNanodollars: Int64?
    public var budgetPeriod: BudgetPeriod
    public var createdAt: Date

    public init(name: String, policy: String? = nil, budget: USD? = nil, budgetPeriod: BudgetPeriod = .month, createdAt: Date) {
        self.name = name
        self.policy = policy
        self.budgetNanodollars = budget?.nanodollars
        self.budgetPeriod = budgetPeriod
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case name, policy
        case budgetNanodollars = "budget_nanodollars"
        case budgetPeriod = "budget_period"
        case createdAt = "created_at"
    }

    public var budget: Budget? {
        budgetNanodollars.map { Budget(owner: .team(name: name), limit: USD(nanodollars: $0), period: budgetPeriod) }
    }
}
