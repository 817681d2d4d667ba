internal import ArgumentParser
internal import SluiceCore
internal import SluiceStore

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending database migrations (serve also does at start-up).")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let database = try store.openDatabase()
        let applied = database.appliedMigrations
        if json {
            print(
                Output.json([
                    "applied": .array(applied.map { .string($0.name) }),
                    "versions": .array(try database.migrationVersions().map { .integer($0) }),
                ]))
        } else if applied.isEmpty {
            print("The database is up to date (version \(try database.migrationVersions().last ?? 0)).")
        } else {
            for migration in applied { print("applied \(migration.name)") }
        }
    }
}
