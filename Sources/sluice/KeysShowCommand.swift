internal import ArgumentParser
internal import SluiceCore
internal import SluiceStore

struct KeysShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one key by name or id.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The key's name or id.") var key: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let key = key
        let record = try await store.withStore { try await $0.findKey(key) }
        print(json ? Output.json(AdminJSON.key(record)) : Output.keyDetails(record))
    }
}
