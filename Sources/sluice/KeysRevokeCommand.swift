internal import ArgumentParser
internal import SluiceCore
internal import SluiceStore

struct KeysRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a key; a running server refuses it within a second.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The key's name or id.") var key: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let key = key
        let record = try await store.withStore { try await AuditTrail.administration($0).revokeKey(key) }
        print(json ? Output.json(AdminJSON.key(record)) : "Revoked key '\(record.name)' (\(record.id)).")
    }
}
