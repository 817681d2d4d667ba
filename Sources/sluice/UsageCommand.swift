public import ArgumentParser
internal import Foundation
internal import SluiceCore
public import SluiceStore

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
            let statuses = try await store.withStore { try await BudgetReport.all(in: $0) }
            if json {
                print(Output.json(.array(statuses.map(BudgetReport.json))))
            } else {
                print(statuses.isEmpty ? "No key or team has a budget." : BudgetReport.table(statuses))
            }
            return
        }
        let period = since?.duration ?? .seconds(86_400)
        let start = Date().addingTimeInterval(-period.timeInterval)
        let (key, grouping) = (key, by)
        let (rows, statuses) = try await store.withStore { store in
            (try await store.usageSummary(since: start, keyName: key, by: grouping), try await BudgetReport.all(in: store))
        }
        let groupNames = grouping.columnNames
        if json {
            print(
                Output.json(
                    .array(
                        rows.map { row in
                            var object = JSONObject()
                            for name in groupNames { object[Self.label(name)] = .string(row.group[name] ?? "-") }
                            object["requests"] = .integer(row.requests)
                            object["errors"] = .integer(row.errors)
                            object["input_tokens"] = .integer(row.inputTokens)
                            object["output_tokens"] = .integer(row.outputTokens)
                            object["cache_read_input_tokens"] = .integer(row.cacheReadInputTokens)
                            object["cache_hits"] = .integer(row.cacheHits)
                            object["cost_usd"] = .double(row.costUSD)
                            return .object(object)
                        })))
            return
        }
        if rows.isEmpty {
            print("No requests since \(start.formatted(.iso8601)).")
        } else {
            let header =
                groupNames.map { Self.label($0).uppercased() } + [
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

    /// A grouping column as people read it: `key_name` is the key.
    private static func label(_ column: String) -> String { column == "key_name" ? "key" : column }
}

extension UsageGrouping: ExpressibleByArgument {}
