internal import ArgumentParser

/// The `sluice` command: the gateway server and its admin tools.
struct Sluice: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        abstract: "An LLM API gateway speaking the Anthropic Messages and OpenAI Chat Completions APIs.",
        version: version,
        subcommands: [
            ServeCommand.self, KeysCommand.self, TeamsCommand.self, PoliciesCommand.self, RagCommand.self, UsageCommand.self,
            AuditCommand.self, MigrateCommand.self, DbCommand.self, VersionCommand.self,
        ]
    )
}
