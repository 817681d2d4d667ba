internal import ArgumentParser
internal import SluiceCore
internal import SluiceStore

struct KeysListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List keys (never the keys themselves).")

    @OptionGroup var store: StoreOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let keys = try await store.withStore { try await $0.listKeys() }
        if json {
            print(Output.json(.array(keys.map { AdminJSON.key($0) })))
        } else {
            print(keys.isEmpty ? "No keys yet. Create one with: sluice keys create --name NAME" : Output.keyTable(keys))
        }
    }
}
