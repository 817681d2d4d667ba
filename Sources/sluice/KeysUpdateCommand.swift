internal import ArgumentParser
internal import Foundation
internal import SluiceCore
internal import SluicePolicy
internal import SluiceStore

struct KeysUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change a key's team, budget, policy or models; the key itself stays the same.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The key's name or id.") var key: String

    @Option(help: "Move the key to this team.") var team: String?
    @Flag(name: .customLong("no-team"), help: "Take the key out of its team.") var noTeam = false
    @OptionGroup var budget: BudgetOptions
    @Flag(name: .customLong("no-budget"), help: "Remove the key's own budget (its team's still applies).") var noBudget = false
    @Option(help: "The policy for the key's requests.") var policy: String?
    @Flag(name: .customLong("default-policy"), help: "Use the team's policy, or the configured default.") var defaultPolicy = false
    @Option(help: ArgumentHelp("Comma-separated globs of the models the key may use.", valueName: "glob[,glob…]"))
    var models: String?
    @Flag(name: .customLong("all-models"), help: "Let the key use every model.") var allModels = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        for (flags, both) in [
            ("--team and --no-team", team != nil && noTeam), ("--budget and --no-budget", budget.budget != nil && noBudget),
            ("--period and --no-budget", budget.period != nil && noBudget),
            ("--policy and --default-policy", policy != nil && defaultPolicy), ("--models and --all-models", models != nil && allModels),
        ] where both {
            throw ValidationError("\(flags) contradict each other")
        }
        let changes = [team != nil, noTeam, budget.budget != nil, budget.period != nil, noBudget, policy != nil, defaultPolicy]
        guard changes.contains(true) || models != nil || allModels else {
            throw ValidationError(
                "say what to change: --team, --no-team, --budget, --period, --no-budget, --policy, --default-policy, --models or --all-models"
            )
        }
    }

    func run() async throws {
        var changes = KeyChanges(budgetPeriod: budget.period)
        if let team { changes.team = .set(team) } else if noTeam { changes.team = .clear }
        if let amount = budget.budget?.amount { changes.budget = .set(amount) } else if noBudget { changes.budget = .clear }
        if let policy { changes.policy = .set(policy) } else if defaultPolicy { changes.policy = .clear }
        if let models {
            changes.models = models.split(separator: ",").map { String($0).filter { $0 != " " } }.filter { !$0.isEmpty }
        } else if allModels {
            changes.models = []
        }
        let (key, update) = (key, changes)
        let updated = try await store.withStore { try await AuditTrail.administration($0).updateKey(key, update) }
        print(json ? Output.json(AdminJSON.key(updated)) : Output.keyDetails(updated))
    }
}
