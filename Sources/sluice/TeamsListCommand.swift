internal import ArgumentParser
internal import SluiceCore
internal import SluiceStore

struct TeamsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List teams with their keys and budgets.")

    @OptionGroup var store: StoreOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let (teams, keys) = try await store.withStore { store in (try await store.listTeams(), try await store.listKeys()) }
        if json {
            print(
                Output.json(
                    .array(
                        teams.map { team in
                            var object = AdminJSON.team(team).objectValue ?? [:]
                            object["keys"] = .array(keys.filter { $0.team == team.name }.map { .string($0.name) })
                            return .object(object)
                        })))
            return
        }
        guard !teams.isEmpty else {
            print("No teams yet. Make one with: sluice teams create NAME [--budget USD]")
            return
        }
        let rows = teams.map { team in
            [
                team.name, team.policy ?? "(default)", Output.budgetText(team.budget), String(keys.filter { $0.team == team.name }.count),
            ]
        }
        print(Output.table([["NAME", "POLICY", "BUDGET", "KEYS"]] + rows))
    }
}
