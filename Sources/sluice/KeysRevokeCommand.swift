internal import ArgumentParser
internal import SluiceCore
internal import SluiceStore

struct KeysRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a key; a running server refuses it within a second.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The key's name or id.") var key: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let record = try store.openDatabase().revokeKey(key)
        print(json ? Output.json(Output.keyJSON(record)) : "Revoked key '\(record.name)' (\(record.id)).")
    }
}
