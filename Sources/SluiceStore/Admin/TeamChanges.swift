public import SluiceCore
public import SluicePolicy

/// An update of a team's policy or budget.
public struct TeamChanges: Sendable, Hashable {
    /// `.clear`: the team's keys use the configured default policy.
    public var policy: FieldChange<String>?
    public var budget: FieldChange<USD>?
    public var budgetPeriod: BudgetPeriod?

    public init(policy: FieldChange<String>? = nil, budget: FieldChange<USD>? = nil, budgetPeriod: BudgetPeriod? = nil) {
        self.policy = policy
        self.budget = budget
        self.budgetPeriod = budgetPeriod
    }

    public var isEmpty: Bool { self == TeamChanges() }
}
