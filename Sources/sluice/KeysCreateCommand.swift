internal import ArgumentParser
internal import SluiceCore
internal import Foundation
internal import SluiceStore

struct KeysCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Mint a key; it is printed once and never stored.")

    @OptionGroup var store: StoreOptions

    @Option(help: "A unique name for the key, e.g. the person or service using it.")
    var name: String

    @Option(help: "The policy for this key's requests (default: the configured default policy).")
    var policy: String?

    @Option(help: ArgumentHelp("Comma-separated globs of the models this key may use (default: all).", valueName: "glob[,glob…]"))
    var models: String?

    @Option(help: ArgumentHelp("How long the key is valid, e.g. 30d, 12h (default: no expiry).", valueName: "duration"))
    var expires: DurationArgument?

    @Option(help: "Requests per minute for this key (default: the policy's).") var rpm: Int?
    @Option(help: "Tokens per minute for this key (default: the policy's).") var tpm: Int?
    @Option(help: "Concurrent requests for this key (default: the policy's).") var concurrency: Int?

    @Option(help: "The team the key belongs to; its policy (unless --policy) and budget apply too.") var team: String?
    @OptionGroup var budget: BudgetOptions

    @Option(help: "user: calls the model API; admin: calls the admin API (and the model API only with --models).")
    var role: KeyRole = .user

    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard !name.isEmpty, !name.contains(where: \.isWhitespace) else {
            throw ValidationError("--name must be non-empty and without spaces")
        }
        for (flag, value) in [("--rpm", rpm), ("--tpm", tpm), ("--concurrency", concurrency)] {
            if let value, value < 1 { throw ValidationError("\(flag) must be a positive number") }
        }
        if budget.period != nil, budget.budget == nil { throw ValidationError("--period goes with --budget") }
    }

    func run() async throws {
        let creation = KeyCreation(
            name: name, role: role, policy: policy,
            models: models?.split(separator: ",").map { String($0).filter { $0 != " " } }.filter { !$0.isEmpty } ?? [],
            lifetime: expires?.duration, limits: KeyLimits(requestsPerMinute: rpm, tokensPerMinute: tpm, concurrency: concurrency),
            team: team, budget: budget.budget?.amount, budgetPeriod: budget.period)
        let minted = try await store.withStore { try await AuditTrail.administration($0).createKey(creation) }
        if json {
            print(Output.json(AdminJSON.key(minted.record, secret: minted.secret)))
        } else {
            print("Created key '\(minted.record.name)' (\(minted.record.id)). It is shown only this once:\n\n    \(minted.secret)\n")
            print("Use it as x-api-key or Authorization: Bearer; for Claude Code: ANTHROPIC_AUTH_TOKEN=<key>.")
        }
    }
}
