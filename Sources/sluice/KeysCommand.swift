public import ArgumentParser
internal import SluiceConfig
public import SluiceStore

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create, list, show, update, revoke and rotate API keys.",
        subcommands: [
            KeysCreateCommand.self, KeysListCommand.self, KeysShowCommand.self, KeysUpdateCommand.self, KeysRevokeCommand.self,
            KeysRotateCommand.self,
        ])
}

/// A duration option such as `30d` or `12h`.
struct DurationArgument: ExpressibleByArgument {
    let duration: Duration

    init?(argument: String) {
        guard let duration = DurationParser.parse(argument) else { return nil }
        self.duration = duration
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

extension KeyRole: ExpressibleByArgument {}
