internal import ArgumentParser
internal import SluiceCore
internal import SluicePolicy
internal import SluiceStore

struct TeamsCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Make a team; add keys with --team.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "A unique name for the team.") var name: String
    @Option(help: "The policy of the team's keys that name none (default: the configured default).") var policy: String?
    @OptionGroup var budget: BudgetOptions
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard !name.isEmpty, !name.contains(where: \.isWhitespace) else {
            throw ValidationError("the name must be non-empty and without spaces")
        }
        if budget.period != nil, budget.budget == nil { throw ValidationError("--period goes with --budget") }
    }

    func run() async throws {
        let (name, policy, amount, period) = (name, policy, budget.budget?.amount, budget.period)
        let team = try await store.withStore {
            try await AuditTrail.administration($0).createTeam(name: name, policy: policy, budget: amount, budgetPeriod: period)
        }
        print(
            json
                ? Output.json(AdminJSON.team(team))
                : "Created team '\(team.name)'. Add keys with: sluice keys create --team \(team.name) …")
    }
}
