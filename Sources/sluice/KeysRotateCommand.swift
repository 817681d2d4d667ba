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
        let minted = try await store.withStore { try await AuditTrail.administration($0).rotateKey(key, grace: grace) }
        if json {
            print(Output.json(AdminJSON.key(minted.record, secret: minted.secret)))
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
