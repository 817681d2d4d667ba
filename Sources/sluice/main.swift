internal import ArgumentParser
internal import Foundation

// Every failure is one line on stderr and a non-zero exit: admins script these commands, and a
// usage dump or a stack trace would bury the one fact they need. `--help` still prints help.
do {
    try checkSubcommands(in: Array(CommandLine.arguments.dropFirst()))
    var command = try Sluice.parseAsRoot()
    if var asyncCommand = command as? any AsyncParsableCommand {
        try await runAsync(&asyncCommand)
    } else {
        try command.run()
    }
} catch let exitCode as ExitCode {
    // A command that already said what it had to (e.g. `policies check`) and only sets the status.
    exit(exitCode.rawValue)
} catch {
    let code = Sluice.exitCode(for: error)
    if code == .success || error is CleanExit { Sluice.exit(withError: error) }
    let message = Sluice.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
    FileHandle.standardError.write(Data("sluice: \(message)\n".utf8))
    exit(code == .validationFailure ? code.rawValue : 1)
}

/// Runs through a generic so the async `run()` is the one called, not ParsableCommand's sync default.
func runAsync<Command: AsyncParsableCommand>(_ command: inout Command) async throws {
    try await command.run()
}

/// Names an unknown subcommand itself. ArgumentParser would instead blame the first option after
/// it (`sluice keys frobnicate --database x` → "Unknown option '--database'"), which misleads.
func checkSubcommands(in arguments: [String]) throws {
    var command: any ParsableCommand.Type = Sluice.self
    var path = "sluice"
    for argument in arguments {
        let subcommands = command.configuration.subcommands
        guard !argument.hasPrefix("-"), !subcommands.isEmpty, argument != "help" else { return }
        guard let next = subcommands.first(where: { $0._commandName == argument }) else {
            let names = subcommands.map { $0._commandName }.joined(separator: ", ")
            throw ValidationError("unknown command '\(path) \(argument)' (expected one of: \(names))")
        }
        command = next
        path += " \(argument)"
    }
}
