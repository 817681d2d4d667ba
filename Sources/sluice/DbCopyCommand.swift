internal import ArgumentParser
internal import Foundation
internal import Logging
internal import SluiceConfig
internal import SluiceCore
internal import SluicePostgres
internal import SluiceStore

/// `sluice db copy`: a single box's SQLite database into the PostgreSQL database its replicas will share.
struct DbCopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy teams, keys, usage, quota totals, the audit log and RAG collections from a SQLite file into PostgreSQL.",
        discussion: """
            Keys keep their secrets (only hashes are copied), so every client keeps working. Copying \
            again adds nothing: run it once more just before switching the gateway over.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The SQLite database to copy from.", valueName: "file"))
    var from: String

    @Option(help: ArgumentHelp("The postgres:// URL to copy into (default: the configured database).", valueName: "url"))
    var to: String?

    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        guard FileManager.default.fileExists(atPath: from) else { throw CommandFailure("no SQLite database at \(from)") }
        var configuration = try store.loadConfiguration()
        if let to { configuration.database = to }
        guard case .postgres = try? DatabaseLocation(configuration.database) else {
            throw CommandFailure("the target must be a postgres:// URL (--to, or database: in the configuration)")
        }
        var sourceConfiguration = configuration
        sourceConfiguration.database = from
        let (summary, from, to) = try await StoreOptions.withStore(sourceConfiguration) { source in
            try await StoreOptions.withStore(configuration) { target in
                // The URL was checked above, so the store is PostgreSQL.
                guard let postgres = target as? PostgresStore else { throw CommandFailure("the target is not PostgreSQL") }
                do {
                    return (try await postgres.copy(from: source, sourceName: source.location), source.location, target.location)
                } catch let error as StoreUnavailable {
                    throw CommandFailure("cannot reach the database: \(error.reason)")
                }
            }
        }
        if json {
            print(
                Output.json([
                    "from": .string(from), "to": .string(to),
                    "keys_copied": .integer(summary.keysCopied), "keys_already_there": .integer(summary.keysAlreadyThere),
                    "usage_copied": .integer(summary.usageCopied), "usage_already_there": .integer(summary.usageAlreadyThere),
                    "quota_totals": .integer(summary.quotaTotals), "teams_copied": .integer(summary.teamsCopied),
                    "audit_entries_copied": .integer(summary.auditEntriesCopied),
                    "collections_copied": .integer(summary.collectionsCopied), "documents_copied": .integer(summary.documentsCopied),
                ]))
        } else {
            print("Copied \(from) into \(to):")
            print("  keys:         \(summary.keysCopied) copied, \(summary.keysAlreadyThere) already there")
            print("  usage rows:   \(summary.usageCopied) copied, \(summary.usageAlreadyThere) already there")
            print("  quota totals: \(summary.quotaTotals)")
            print("  teams:        \(summary.teamsCopied) copied")
            print("  audit log:    \(summary.auditEntriesCopied) entries copied")
            print("  collections:  \(summary.collectionsCopied) copied, \(summary.documentsCopied) documents")
        }
    }
}
