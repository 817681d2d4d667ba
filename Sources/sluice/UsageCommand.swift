internal import ArgumentParser
internal import Foundation
internal import SluiceCore
internal import SluiceStore

struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage", abstract: "Summarise requests and tokens per key and model.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Only this key (by name).") var key: String?

    @Option(help: ArgumentHelp("The period to summarise, back from now (default 24h).", valueName: "duration"))
    var since: DurationArgument?

    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let period = since?.duration ?? .seconds(86_400)
        let start = Date().addingTimeInterval(-period.timeInterval)
        let key = key
        let rows = try await store.withStore { try await $0.usageSummary(since: start, keyName: key) }
        if json {
            print(
                Output.json(
                    .array(
                        rows.map { row in
                            [
                                "key": .string(row.keyName), "model": .string(row.model), "requests": .integer(row.requests),
                                "errors": .integer(row.errors), "input_tokens": .integer(row.inputTokens),
                                "output_tokens": .integer(row.outputTokens), "cache_read_input_tokens": .integer(row.cacheReadInputTokens),
                                "cache_hits": .integer(row.cacheHits),
                            ]
                        })))
            return
        }
        guard !rows.isEmpty else {
            print("No requests since \(start.formatted(.iso8601)).")
            return
        }
        let header = ["KEY", "MODEL", "REQUESTS", "ERRORS", "INPUT", "OUTPUT", "CACHED INPUT", "CACHE HITS"]
        let table =
            [header]
            + rows.map {
                [
                    $0.keyName, $0.model, "\($0.requests)", "\($0.errors)", "\($0.inputTokens)", "\($0.outputTokens)",
                    "\($0.cacheReadInputTokens)", "\($0.cacheHits)",
                ]
            }
        print(Output.table(table))
    }
}
