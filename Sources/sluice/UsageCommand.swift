public import ArgumentParser
internal import Foundation
internal import SluiceCore
public import SluiceStore

struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage", abstract: "Summarise requests and tokens per key and model, session or agent.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Only this key (by name).") var key: String?

    @Option(help: ArgumentHelp("The period to summarise, back from now (default 24h).", valueName: "duration"))
    var since: DurationArgument?

    @Option(help: "Total per key and model (default), Claude Code session, or agent within a session.")
    var by: UsageGrouping = .model

    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let period = since?.duration ?? .seconds(86_400)
        let start = Date().addingTimeInterval(-period.timeInterval)
        let (key, grouping) = (key, by)
        let rows = try await store.withStore { try await $0.usageSummary(since: start, keyName: key, by: grouping) }
        let groupNames = grouping.columns.map(\.name)
        if json {
            print(
                Output.json(
                    .array(
                        rows.map { row in
                            var object: JSONObject = ["key": .string(row.keyName)]
                            for name in groupNames { object[name] = .string(Self.group(name, of: row)) }
                            object["requests"] = .integer(row.requests)
                            object["errors"] = .integer(row.errors)
                            object["input_tokens"] = .integer(row.inputTokens)
                            object["output_tokens"] = .integer(row.outputTokens)
                            object["cache_read_input_tokens"] = .integer(row.cacheReadInputTokens)
                            object["cache_hits"] = .integer(row.cacheHits)
                            return .object(object)
                        })))
            return
        }
        guard !rows.isEmpty else {
            print("No requests since \(start.formatted(.iso8601)).")
            return
        }
        let header = ["KEY"] + groupNames.map { $0.uppercased() } + ["REQUESTS", "ERRORS", "INPUT", "OUTPUT", "CACHED INPUT", "CACHE HITS"]
        let table =
            [header]
            + rows.map { row in
                [row.keyName] + groupNames.map { Self.group($0, of: row) }
                    + [
                        "\(row.requests)", "\(row.errors)", "\(row.inputTokens)", "\(row.outputTokens)", "\(row.cacheReadInputTokens)",
                        "\(row.cacheHits)",
                    ]
            }
        print(Output.table(table))
    }

    private static func group(_ name: String, of row: UsageSummary) -> String {
        switch name {
        case "model": row.model ?? "-"
        case "session": row.session ?? "-"
        default: row.agent ?? "-"
        }
    }
}

extension UsageGrouping: ExpressibleByArgument {}
