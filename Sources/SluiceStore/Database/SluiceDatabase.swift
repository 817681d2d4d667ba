internal import Foundation
internal import GRDB
internal import SluiceCore

/// The SQLite database: one facade whose methods say what they do.
///
/// It runs in WAL mode with a busy timeout, so the admin CLI and a running server can share the
/// file: a key revoked from the CLI is refused by the server on its next request.
public final class SluiceDatabase: Sendable {
    let pool: DatabasePool
    let lastUsedThrottle = LastUsedThrottle()

    /// Opens (creating it and its folder if needed) the database at `path` and applies pending migrations.
    public init(path: String, migrations: [Migration] = Migration.all) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "sluice"
        // With WAL, NORMAL never corrupts the database; a power cut may only lose the last commits.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        pool = try DatabasePool(path: path, configuration: configuration)
        appliedMigrations = try Migrator(migrations: migrations).migrate(pool)
    }

    /// The migrations this open applied (empty when the database was already current).
    public let appliedMigrations: [Migration]

    /// The database file.
    public var path: String { pool.path }

    /// The versions recorded in `sluice_migrations`.
    public func migrationVersions() throws -> [Int] {
        try pool.read { db in try Int.fetchAll(db, sql: "SELECT version FROM sluice_migrations ORDER BY version") }
    }

    /// Whether the database answers a query (for `/readyz`).
    public func isReachable() -> Bool {
        (try? pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }
}
