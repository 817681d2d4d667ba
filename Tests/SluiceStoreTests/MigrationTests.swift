import Foundation
import GRDB
import Testing

@testable import SluiceStore

@Suite struct MigrationTests {
    @Test func shippedMigrationsAreNumberedFromOneWithoutGaps() {
        #expect(Migration.all.map(\.version) == Array(1...Migration.all.count))
        // Shipped migrations are never edited or renamed; new ones only add to the end.
        #expect(Migration.all.prefix(2).map(\.name) == ["0001_initial", "0002_key_rotation"])
        #expect(Migration.all[0].sql.contains("CREATE TABLE api_keys"))
    }

    @Test func newDatabaseRecordsEveryMigration() throws {
        try withTemporaryDatabase { database, path in
            #expect(try database.migrationVersions() == Migration.all.map(\.version))
            #expect(database.appliedMigrations == Migration.all)
            #expect(database.isReachable())
            let names = try rawRows(at: path, "SELECT name FROM sluice_migrations ORDER BY version").map { $0["name"] as String }
            #expect(names == Migration.all.map(\.name))
        }
    }

    @Test func reopeningAppliesNothing() throws {
        try withTemporaryDatabasePath { path in
            let first = try SluiceDatabase(path: path)
            #expect(first.appliedMigrations.count == Migration.all.count)
            let second = try SluiceDatabase(path: path)
            #expect(second.appliedMigrations.isEmpty)
            #expect(try second.migrationVersions() == Migration.all.map(\.version))
        }
    }

    @Test func createsTheFolderOfTheDatabase() throws {
        try withTemporaryDatabasePath { path in
            let nested = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("a/b/keys.sqlite").path
            let database = try SluiceDatabase(path: nested)
            #expect(FileManager.default.fileExists(atPath: nested))
            #expect(try database.hasKeys() == false)
        }
    }

    @Test func schemaHasTheColumnsOfEveryMigration() throws {
        try withTemporaryDatabase { _, path in
            let columns = try rawRows(at: path, "SELECT name FROM pragma_table_info('api_keys') ORDER BY cid").map { $0["name"] as String }
            #expect(
                columns == [
                    "id", "name", "key_hash", "key_prefix", "policy", "models", "expires_at", "revoked_at", "created_at",
                    "last_used_at", "previous_key_hash", "previous_key_expires_at", "requests_per_minute", "tokens_per_minute",
                    "concurrency",
                ])
            let tables = try rawRows(at: path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map {
                $0["name"] as String
            }
            #expect(Set(tables).isSuperset(of: ["api_keys", "sluice_migrations", "usage", "token_quotas", "response_cache"]))
        }
    }

    @Test func upgradeFromTheFirstMigrationKeepsKeysWorking() throws {
        try withTemporaryDatabasePath { path in
            let secret = "sk-sluice-" + String(repeating: "A1b2", count: 10)
            do {
                let old = try SluiceDatabase(path: path, migrations: [Migration.all[0]])
                #expect(old.appliedMigrations.map(\.version) == [1])
                #expect(try old.migrationVersions() == [1])
            }
            // A key as a build with only the first migration wrote it.
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO api_keys (id, name, key_hash, key_prefix, policy, models, created_at)
                        VALUES ('key_old', 'ci', ?, 'sk-sluice-A1b2', 'strict', '["claude-*"]', '2025-01-01 00:00:00.000')
                        """,
                    arguments: [Data(KeyHash.sha256(secret))])
            }
            try queue.close()

            let upgraded = try SluiceDatabase(path: path)
            #expect(upgraded.appliedMigrations.map(\.version) == Array(Migration.all.map(\.version).dropFirst()))
            #expect(try upgraded.migrationVersions() == Migration.all.map(\.version))

            let key = try upgraded.authenticate(secret: secret, now: referenceDate).get()
            #expect(key.id == "key_old")
            #expect(key.policy == "strict")
            #expect(key.models == ["claude-*"])
            #expect(key.previousKeyExpiresAt == nil)

            // The columns of the second migration work: rotation with a grace window.
            let rotated = try upgraded.rotateKey("ci", grace: .seconds(60), now: referenceDate)
            #expect(try upgraded.authenticate(secret: secret, now: referenceDate.addingTimeInterval(59)).get().id == "key_old")
            #expect(try upgraded.authenticate(secret: rotated.secret, now: referenceDate).get().id == "key_old")
            #expect(try upgraded.authenticate(secret: secret, now: referenceDate.addingTimeInterval(60)) == .failure(.expired))
            #expect(try upgraded.findKey("ci").previousKeyExpiresAt == referenceDate.addingTimeInterval(60))
        }
    }
}
