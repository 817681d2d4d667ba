internal import Foundation
internal import GRDB

/// Applies migrations in version order, each once and in its own transaction, recording each in
/// `sluice_migrations`. A shipped migration is never edited; changes come as new files.
struct SQLiteMigrator {
    let migrations: [Migration]

    /// Applies the migrations the database has not seen yet; returns the ones applied.
    /// - Throws: ``StoreOpeningError/schemaNewer(database:known:)`` for a database a newer Sluice migrated.
    func migrate(_ writer: any DatabaseWriter) throws -> [Migration] {
        try writer.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS sluice_migrations (
                        version INTEGER PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        applied_at TEXT NOT NULL
                    )
                    """)
        }
        let applied = try writer.read { db in
            try Set(Int.fetchAll(db, sql: "SELECT version FROM sluice_migrations"))
        }
        let known = migrations.map(\.version).max() ?? 0
        if let newest = applied.max(), newest > known { throw StoreOpeningError.schemaNewer(database: newest, known: known) }
        var done: [Migration] = []
        for migration in migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(migration.version) {
            try writer.writeWithoutTransaction { db in
                try db.inTransaction {
                    try db.execute(sql: migration.sql)
                    try db.execute(
                        sql: "INSERT INTO sluice_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                        arguments: [migration.version, migration.name, Date()])
                    return .commit
                }
            }
            done.append(migration)
        }
        return done
    }
}
