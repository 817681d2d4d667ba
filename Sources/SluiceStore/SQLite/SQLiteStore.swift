internal import Foundation
internal import GRDB
public import SluicePolicy

/// The embedded store: one SQLite file, for one Sluice process on one box.
///
/// It runs in WAL mode with a busy timeout, so the admin CLI and a running server can share the
/// file: a key revoked from the CLI is refused by the server within the authentication cache's
/// age. Rate-limit counters stay in the server's memory (``sharedCounters`` is `nil`).
public final class SQLiteStore: GatewayStore {
    let pool: DatabasePool
    let lastUsedThrottle = LastUsedThrottle()

    /// Opens (creating it and its folder if needed) the database at `path` and applies pending
    /// migrations; refuses a database a newer Sluice migrated.
    public init(path: String, migrations: [Migration] = Migration.sqlite) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "sluice"
        // With WAL, NORMAL never corrupts the database; a power cut may only lose the last commits.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        pool = try DatabasePool(path: path, configuration: configuration)
        appliedMigrations = try SQLiteMigrator(migrations: migrations).migrate(pool)
    }

    public let appliedMigrations: [Migration]

    /// The database file.
    public var path: String { pool.path }

    public var location: String { pool.path }

    public var sharedCounters: (any SharedCounterStore)? { nil }

    public func migrationVersions() async throws -> [Int] {
        try await pool.read { db in try Int.fetchAll(db, sql: "SELECT version FROM sluice_migrations ORDER BY version") }
    }

    public func isReachable() async -> Bool {
        (try? await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    public func close() async {
        try? pool.close()
    }
}
