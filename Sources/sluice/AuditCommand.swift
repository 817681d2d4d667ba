internal import ArgumentParser
internal import Foundation
internal import SluiceCore
internal import SluicePolicy
internal import SluiceStore

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Show administrative changes: keys, teams, budgets and policy files, with who made them.")

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The period to show, back from now (default 7d).", valueName: "duration"))
    var since: DurationArgument?

    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let period = since?.duration ?? .seconds(7 * 86_400)
        let start = AuditTrail.clock.now().addingTimeInterval(-period.timeInterval)
        let entries = try await store.withStore { try await $0.auditEntries(since: start) }
        if json {
            print(
                Output.json(
                    .array(
                        entries.map(AdminJSON.audit))))
            return
        }
        guard !entries.isEmpty else {
            print("No changes since \(start.formatted(.iso8601)).")
            return
        }
        print(
            Output.table(
                [["TIME", "ACTOR", "ACTION", "TARGET", "DETAILS"]]
                    + entries.map { [Output.text($0.at), $0.actor, $0.action, $0.target, $0.details] }))
    }
}
