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
        let record = try await store.withStore { store in
            let record = try await store.revokeKey(key)
            try await AuditTrail.record(
                store, "key.revoked", target: record.name,
                details: ["id": .string(record.id), "revoked_at": Output.timestamp(record.revokedAt)])
            return record
        }
        print(json ? Output.json(Output.keyJSON(record)) : "Revoked key '\(record.name)' (\(record.id)).")
    }
}
