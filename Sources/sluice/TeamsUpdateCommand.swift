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
        var changes = TeamChanges(budgetPeriod: budget.period)
        if let policy { changes.policy = .set(policy) } else if defaultPolicy { changes.policy = .clear }
        if let amount = budget.budget?.amount { changes.budget = .set(amount) } else if noBudget { changes.budget = .clear }
        let (name, update) = (name, changes)
        let updated = try await store.withStore { try await AuditTrail.administration($0).updateTeam(name, update) }
        print(
            json
                ? Output.json(AdminJSON.team(updated))
                : "Updated team '\(updated.name)': budget \(Output.budgetText(updated.budget)), policy \(updated.policy ?? "(default)").")
    }
}
