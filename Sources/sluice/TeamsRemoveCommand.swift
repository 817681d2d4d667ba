internal import ArgumentParser
internal import SluiceCore
internal import SluiceStore

struct TeamsRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove a team that has no keys left (move them with sluice keys update first).")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The team's name.") var name: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let name = name
        let team = try await store.withStore { try await AuditTrail.administration($0).removeTeam(name) }
        print(json ? Output.json(["removed": .string(team.name)]) : "Removed team '\(team.name)'.")
    }
}
