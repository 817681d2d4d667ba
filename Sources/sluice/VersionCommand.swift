internal import ArgumentParser
internal import SluiceCore

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print Sluice's version.")

    @Flag(help: "Print JSON.") var json = false

    func run() {
        print(json ? Output.json(["version": .string(Sluice.version)]) : "sluice \(Sluice.version)")
    }
}
