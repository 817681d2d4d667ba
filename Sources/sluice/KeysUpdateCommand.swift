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
        let options = self
        let updated = try await store.withStore { store in
            let before = try await store.findKey(options.key)
            var key = before
            if let team = options.team { key.team = try await store.findTeam(team).name }
            if options.noTeam { key.team = nil }
            if let amount = options.budget.budget?.amount {
                key.budgetNanodollars = amount.nanodollars
                key.budgetPeriod = options.budget.period ?? key.budgetPeriod ?? .month
            } else if let period = options.budget.period {
                guard key.budgetNanodollars != nil else {
                    throw CommandFailure("key '\(key.name)' has no budget whose period could change: give --budget too")
                }
                key.budgetPeriod = period
            }
            if options.noBudget {
                key.budgetNanodollars = nil
                key.budgetPeriod = nil
            }
            if let policy = options.policy { key.policy = policy }
            if options.defaultPolicy { key.policy = nil }
            if let models = options.models {
                key.models = models.split(separator: ",").map { String($0).filter { $0 != " " } }.filter { !$0.isEmpty }
            }
            if options.allModels { key.models = [] }
            let changes = AuditTrail.changes(from: Output.keyJSON(before), to: Output.keyJSON(key))
            guard !changes.isEmpty else { return key }
            try await store.updateKey(key)
            var details: JSONObject = ["id": .string(key.id)]
            for (field, change) in changes { details[field] = change }
            try await AuditTrail.record(store, "key.updated", target: key.name, details: details)
            return key
        }
        print(json ? Output.json(Output.keyJSON(updated)) : Output.keyDetails(updated))
    }
}
