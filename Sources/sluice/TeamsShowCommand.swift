internal import ArgumentParser
internal import Foundation
internal import SluiceCore
internal import SluicePolicy
internal import SluiceStore

struct TeamsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a team: its policy, its keys, and its budget with what it has spent this period.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The team's name.") var name: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let name = name
        let (team, keys, status) = try await store.withStore { store in
            let team = try await store.findTeam(name)
            let status = try await BudgetReport.status(of: team.budget, in: store, now: AuditTrail.clock.now())
            return (team, try await store.keys(ofTeam: team.name), status)
        }
        if json {
            var object = AdminJSON.team(team).objectValue ?? [:]
            object["keys"] = .array(keys.map { .string($0.name) })
            if let status {
                object["spent_usd"] = .double(status.spent.dollars)
                object["resets_at"] = AdminJSON.timestamp(status.resetsAt)
            }
            print(Output.json(.object(object)))
            return
        }
        var lines = [
            ("name", team.name), ("policy", team.policy ?? "(default)"), ("budget", Output.budgetText(team.budget)),
            ("keys", keys.isEmpty ? "-" : keys.map(\.name).joined(separator: ", ")), ("created", Output.text(team.createdAt)),
        ]
        if let status { lines.insert(("spent", "\(status.spent) (resets \(Output.text(status.resetsAt)))"), at: 3) }
        print(lines.map { "\($0.0.padding(toLength: 7, withPad: " ", startingAt: 0))  \($0.1)" }.joined(separator: "\n"))
    }
}
