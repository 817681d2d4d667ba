internal import ArgumentParser

struct DbCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Move a gateway's data between stores.", subcommands: [DbCopyCommand.self])
}
