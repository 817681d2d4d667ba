internal import ArgumentParser
internal import Foundation
internal import Logging
internal import SluiceConfig
internal import SluicePostgres
internal import SluiceStore

/// Where the configuration and the database are; shared by every command.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The YAML configuration file (or SLUICE_CONFIG).", valueName: "file"))
    var config: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The SQLite file or postgres:// URL (or SLUICE_DATABASE); overrides the configuration.", valueName: "file-or-url"))
    var database: String?

    /// The configuration from its file (flag, then SLUICE_CONFIG) or the embedded defaults, with the database flag applied.
    func loadConfiguration() throws -> SluiceConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let path = config ?? environment["SLUICE_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        var configuration = try ConfigurationLoader.load(path: path, environment: environment)
        if let database { configuration.database = database }
        return configuration
    }

    /// Runs `body` with the configured store open, and closes it afterwards.
    func withStore<Result>(_ body: (any GatewayStore) async throws -> Result) async throws -> Result {
        try await Self.withStore(loadConfiguration(), body)
    }

    /// Runs `body` with the store of `configuration` open, and closes it afterwards.
    static func withStore<Result>(
        _ configuration: SluiceConfiguration, _ body: (any GatewayStore) async throws -> Result
    ) async throws -> Result {
        let store = try await openStore(configuration, logger: quietLogger)
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// Admin commands say what went wrong in their own words; the database driver's logs would only add noise.
    static let quietLogger = Logger(label: "sluice", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Opens `configuration.database`: a `postgres://` URL on PostgreSQL, anything else as a SQLite file.
    static func openStore(_ configuration: SluiceConfiguration, logger: Logger) async throws -> any GatewayStore {
        do {
            switch try DatabaseLocation(configuration.database) {
            case .sqlite(let path):
                do {
                    return try SQLiteStore(path: path)
                } catch {
                    throw CommandFailure("cannot open the database at \(path): \(error)")
                }
            case .postgres(let url):
                return try await PostgresStore.open(
                    url: url, poolSize: configuration.databasePoolSize,
                    passwordEnvironmentVariable: configuration.databasePasswordEnvironmentVariable, logger: logger)
            }
        } catch let error as StoreOpeningError {
            throw CommandFailure(error.description)
        } catch let error as StoreUnavailable {
            throw CommandFailure("cannot reach the database: \(error.reason)")
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
