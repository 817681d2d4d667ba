internal import ArgumentParser

struct TeamsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teams", abstract: "Group keys into teams with a shared policy and budget.",
        subcommands: [
            TeamsCreateCommand.self, TeamsListCommand.self, TeamsShowCommand.self, TeamsUpdateCommand.self, TeamsRemoveCommand.self,
        ])
}
