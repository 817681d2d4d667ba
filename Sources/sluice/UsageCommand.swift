public import ArgumentParser
internal import Foundation
internal import SluiceCore
public import SluiceStore
internal import SluicePolicy

struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Summarise requests, tokens and cost per key, team, model, session or day, and spending against budgets.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Only this key (by name).") var key: String?

    @Option(help: ArgumentHelp("The period to summarise, back from now (default 24h).", valueName: "duration"))
    var since: DurationArgument?

    @Option(help: "Total per key, team, key and model (default), key and Claude Code session, agent within a session, or UTC day.")
    var by: UsageGrouping = .model

    @Flag(help: "Show only the budgets of keys and teams: spent this period against the limit.") var budgets = false

    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        if budgets {
            let statuses = try await store.withStore { try await BudgetReport.all(in: $0, now: AuditTrail.clock.now()) }
            if json {
                print(Output.json(.array(statuses.map(AdminJSON.budget))))
            } else {
                print(statuses.isEmpty ? "No key or team has a budget." : BudgetReport.table(statuses))
            }
            return
        }
        let period = since?.duration ?? .seconds(86_400)
        let start = Date().addingTimeInterval(-period.timeInterval)
        let (key, grouping) = (key, by)
        let (rows, statuses) = try await store.withStore { store in
            (
                try await store.usageSummary(since: start, until: nil, keyName: key, by: grouping),
                try await BudgetReport.all(in: store, now: AuditTrail.clock.now())
            )
        }
        let groupNames = grouping.columnNames
        if json {
            print(Output.json(.array(rows.map { AdminJSON.usage($0, by: grouping) })))
            return
        }
        if rows.isEmpty {
            print("No requests since \(start.formatted(.iso8601)).")
        } else {
            let header =
                groupNames.map { UsageGrouping.label(of: $0).uppercased() } + [
                    "REQUESTS", "ERRORS", "INPUT", "OUTPUT", "CACHED INPUT", "CACHE HITS", "COST",
                ]
            let table =
                [header]
                + rows.map { row in
                    groupNames.map { row.group[$0] ?? "-" }
                        + [
                            "\(row.requests)", "\(row.errors)", "\(row.inputTokens)", "\(row.outputTokens)", "\(row.cacheReadInputTokens)",
                            "\(row.cacheHits)", "\(USD(dollars: row.costUSD))",
                        ]
                }
            print(Output.table(table))
        }
        if !statuses.isEmpty { print("\n" + BudgetReport.table(statuses)) }
    }
}

extension UsageGrouping: ExpressibleByArgument {}
