internal import ArgumentParser
internal import Foundation
internal import SluiceConfig
internal import SluiceStore

/// Where the configuration and the database are; shared by every command.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The YAML configuration file (or SLUICE_CONFIG).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("The SQLite database (or SLUICE_DATABASE); overrides the configuration.", valueName: "file"))
    var database: String?

    /// The configuration from its file (flag, then SLUICE_CONFIG) or the embedded defaults, with the database flag applied.
    func loadConfiguration() throws -> SluiceConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let path = config ?? environment["SLUICE_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        var configuration = try ConfigurationLoader.load(path: path, environment: environment)
        if let database { configuration.database = database }
        return configuration
    }

    func openDatabase() throws -> SluiceDatabase {
        try openDatabase(path: loadConfiguration().database)
    }

    func openDatabase(path: String) throws -> SluiceDatabase {
        do {
            return try SluiceDatabase(path: path)
        } catch {
            throw CommandFailure("cannot open the database at \(path): \(error)")
        }
    }
}

/// A failure already worded for the admin.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
