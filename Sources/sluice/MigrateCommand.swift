internal import ArgumentParser
internal import SluiceCore
internal import SluiceStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending database migrations (serve also does at start-up).")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let (applied, versions) = try await store.withStore { ($0.appliedMigrations, try await $0.migrationVersions()) }
        if json {
            print(
                Output.json([
                    "applied": .array(applied.map { .string($0.name) }),
                    "versions": .array(versions.map { .integer($0) }),
                ]))
        } else if applied.isEmpty {
            print("The database is up to date (version \(versions.last ?? 0)).")
        } else {
            for migration in applied { print("applied \(migration.name)") }
        }
    }
}
