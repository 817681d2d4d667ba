internal import ArgumentParser
internal import Foundation
internal import SluiceCore
internal import SluiceStore

struct KeysRotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate", abstract: "Replace a key's secret; the old one works for --grace, then stops.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The key's name or id.") var key: String

    @Option(help: ArgumentHelp("How long the old secret keeps working, e.g. 10m (default: it stops at once).", valueName: "duration"))
    var grace: DurationArgument?

    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let (key, grace) = (key, grace?.duration ?? .zero)
        let minted = try await store.withStore { store in
            let minted = try await store.rotateKey(key, grace: grace)
            var details: JSONObject = ["id": .string(minted.record.id), "prefix": .string(minted.record.keyPrefix)]
            details["previous_key_expires_at"] = Output.timestamp(minted.record.previousKeyExpiresAt)
            try await AuditTrail.record(store, "key.rotated", target: minted.record.name, details: details)
            return minted
        }
        if json {
            print(Output.json(Output.keyJSON(minted.record, secret: minted.secret)))
        } else {
            print("Rotated key '\(minted.record.name)'. The new key is shown only this once:\n\n    \(minted.secret)\n")
            if let until = minted.record.previousKeyExpiresAt {
                print("The old key keeps working until \(until.formatted(.iso8601)).")
            } else {
                print("The old key no longer works.")
            }
        }
    }
}
