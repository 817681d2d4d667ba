internal import ArgumentParser
internal import SluiceCore
internal import SluiceStore

struct TeamsUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Change a team's policy or budget.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The team's name.") var name: String
    @Option(help: "The policy of the team's keys that name none.") var policy: String?
    @Flag(name: .customLong("default-policy"), help: "The team's keys use the configured default policy.") var defaultPolicy = false
    @OptionGroup var budget: BudgetOptions
    @Flag(name: .customLong("no-budget"), help: "Remove the team's budget.") var noBudget = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if policy != nil, defaultPolicy { throw ValidationError("--policy and --default-policy contradict each other") }
        if budget.budget != nil, noBudget { throw ValidationError("--budget and --no-budget contradict each other") }
        guard policy != nil || defaultPolicy || budget.budget != nil || budget.period != nil || noBudget else {
            throw ValidationError("say what to change: --policy, --default-policy, --budget, --period or --no-budget")
        }
    }

    func run() async throws {
        let options = self
        let updated = try await store.withStore { store in
            let before = try await store.findTeam(options.name)
            var team = before
            if let policy = options.policy { team.policy = policy }
            if options.defaultPolicy { team.policy = nil }
            if let amount = options.budget.budget?.amount { team.budgetNanodollars = amount.nanodollars }
            if let period = options.budget.period { team.budgetPeriod = period }
            if options.noBudget { team.budgetNanodollars = nil }
            let changes = AuditTrail.changes(from: Output.teamJSON(before), to: Output.teamJSON(team))
            guard !changes.isEmpty else { return team }
            try await store.updateTeam(team)
            try await AuditTrail.record(store, "team.updated", target: team.name, details: changes)
            return team
        }
        print(
            json
                ? Output.json(Output.teamJSON(updated))
                : "Updated team '\(updated.name)': budget \(Output.budgetText(updated.budget)), policy \(updated.policy ?? "(default)").")
    }
}
