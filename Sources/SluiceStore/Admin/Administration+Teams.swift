public import SluiceCore
public import SluicePolicy

extension Administration {
    /// Makes a team (`team.created`).
    public func createTeam(
        name: String, policy: String? = nil, budget: USD? = nil, budgetPeriod: BudgetPeriod? = nil
    )
        async throws -> Team
    {
        guard KeyCreation.isValidName(name) else { throw SluiceError.invalidField("name", "must be non-empty and without spaces") }
        if budgetPeriod != nil, budget == nil { throw SluiceError.invalidField("budget_period", "goes with budget_usd") }
        let now = clock.now()
        let team = Team(name: name, policy: policy, budget: budget, budgetPeriod: budgetPeriod ?? .month, createdAt: now)
        try await store.insertTeam(team)
        try await record("team.created", target: team.name, details: AdminJSON.team(team).objectValue ?? [:], at: now)
        return team
    }

    /// Changes a team's policy or budget (`team.updated`, with each field's old and new value).
    public func updateTeam(_ name: String, _ changes: TeamChanges) async throws -> Team {
        let before = try await store.findTeam(name)
        var team = before
        if let policy = changes.policy { team.policy = policy.value }
        if let budget = changes.budget { team.budgetNanodollars = budget.value?.nanodollars }
        if let period = changes.budgetPeriod { team.budgetPeriod = period }
        let changed = AdminJSON.changes(from: AdminJSON.team(before), to: AdminJSON.team(team))
        guard !changed.isEmpty else { return team }
        try await store.updateTeam(team)
        try await record("team.updated", target: team.name, details: changed, at: clock.now())
        return team
    }

    /// Removes a team no key belongs to (`team.removed`).
    public func removeTeam(_ name: String) async throws -> Team {
        let team = try await store.findTeam(name)
        try await store.removeTeam(team.name)
        try await record("team.removed", target: team.name, details: AdminJSON.team(team).objectValue ?? [:], at: clock.now())
        return team
    }
}
