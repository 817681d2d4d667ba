public import SluiceCore
public import SluicePolicy

/// An update of a key's team, budget, policy or models; the key's secret stays the same.
public struct KeyChanges: Sendable, Hashable {
    public var team: FieldChange<String>?
    public var budget: FieldChange<USD>?
    /// A new period for the key's budget (one it has, or one given with it).
    public var budgetPeriod: BudgetPeriod?
    /// `.clear`: the team's policy, else the configured default.
    public var policy: FieldChange<String>?
    /// The models the key may use; empty: every model.
    public var models: [String]?

    public init(
        team: FieldChange<String>? = nil, budget: FieldChange<USD>? = nil, budgetPeriod: BudgetPeriod? = nil,
        policy: FieldChange<String>? = nil, models: [String]? = nil
    ) {
        self.team = team
        self.budget = budget
        self.budgetPeriod = budgetPeriod
        self.policy = policy
        self.models = models
    }

    /// Whether the update mentions nothing to change.
    public var isEmpty: Bool { self == KeyChanges() }
}
