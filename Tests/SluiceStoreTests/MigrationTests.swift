import Foundation
import GRDB
import SluiceCrypto
@testable import SluicePostgres
import SluiceTestSupport
import Testing

@testable import SluiceStore

@Suite struct MigrationTests {
    private func shipped(_ kind: StoreKind) -> [Migration] {
        switch kind {
        case .sqlite: Migration.sqlite
        case .postgres: Migration.postgres
        }
    }

    @Test(arguments: StoreKind.allCases) func shippedMigrationsAreNumberedFromOneWithoutGaps(kind: StoreKind) {
        let migrations = shipped(kind)
        #expect(migrations.map(\.version) == Array(1...migrations.count))
        // Shipped migrations are never edited or renamed; new ones only add to the end.
        #expect(migrations[0].name == "0001_initial")
        #expect(migrations[0].sql.contains("CREATE TABLE api_keys"))
    }

    @Test func sqliteMigrationsKeepTheirFirstNames() {
        #expect(Migration.sqlite.prefix(2).map(\.name) == ["0001_initial", "0002_key_rotation"])
    }

    @Test(arguments: StoreKind.allCases) func newDatabaseRecordsEveryMigration(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { database, openAnother in
            #expect(try await database.migrationVersions() == shipped(kind).map(\.version))
            #expect(database.appliedMigrations == shipped(kind))
            #expect(await database.isReachable())
            // Reopening applies nothing.
            let second = try await openAnother()
            #expect(second.appliedMigrations.isEmpty)
            #expect(try await second.migrationVersions() == shipped(kind).map(\.version))
        }
    }

    @Test func replicasStartingTogetherApplyEachMigrationOnce() async throws {
        let cluster = try TestPostgresCluster.shared
        let url = try cluster.createDatabase()
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresStore.open(url: url, poolSize: 2) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(stores.map(\.appliedMigrations.count).reduce(0, +) == Migration.postgres.count)
        #expect(stores.filter { !$0.appliedMigrations.isEmpty }.count == 1)
        #expect(try await stores[0].migrationVersions() == Migration.postgres.map(\.version))
        for store in stores { await store.close() }
    }

    @Test func aPostgresSchemaFromANewerSluiceIsRefused() async throws {
        let cluster = try TestPostgresCluster.shared
        let url = try cluster.createDatabase()
        let database = String(url.split(separator: "/").last!.split(separator: "?").first!)
        await (try await PostgresStore.open(url: url)).close()
        try cluster.psql("INSERT INTO sluice_migrations (version, name) VALUES (999, '0999_future')", database: database)
        let error = await #expect(throws: StoreOpeningError.self) { try await PostgresStore.open(url: url) }
        #expect(error == .schemaNewer(database: 999, known: Migration.postgres.count))
        #expect(error?.description.contains("newer") == true)
    }

    @Test func aSQLiteSchemaFromANewerSluiceIsRefused() async throws {
        try await withTemporaryDatabasePath { path in
            _ = try SQLiteStore(path: path)
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO sluice_migrations (version, name, applied_at) VALUES (999, '0999_future', '2030-01-01')")
            }
            try queue.close()
            #expect(throws: StoreOpeningError.schemaNewer(database: 999, known: Migration.sqlite.count)) {
                try SQLiteStore(path: path)
            }
        }
    }

    @Test func createsTheFolderOfTheDatabase() async throws {
        try await withTemporaryDatabasePath { path in
            let nested = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("a/b/keys.sqlite").path
            let database = try SQLiteStore(path: nested)
            #expect(FileManager.default.fileExists(atPath: nested))
            #expect(try await database.hasKeys() == false)
        }
    }

    @Test func schemaHasTheColumnsOfEveryMigration() async throws {
        try await withTemporaryDatabase { _, path in
            let columns = try rawRows(at: path, "SELECT name FROM pragma_table_info('api_keys') ORDER BY cid").map { $0["name"] as String }
            #expect(
                columns == [
                    "id", "name", "key_hash", "key_prefix", "policy", "models", "expires_at", "revoked_at", "created_at",
                    "last_used_at", "previous_key_hash", "previous_key_expires_at", "requests_per_minute", "tokens_per_minute",
                    "concurrency", "team", "budget_nanodollars", "budget_period", "role",
                ])
            let tables = try rawRows(at: path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map {
                $0["name"] as String
            }
            #expect(
                Set(tables).isSuperset(of: [
                    "api_keys", "sluice_migrations", "usage", "token_quotas", "response_cache", "teams", "budget_spending", "audit_log",
                    "console_sessions",
                ]))
        }
    }

    @Test func upgradeFromTheFirstMigrationKeepsKeysWorking() async throws {
        try await withTemporaryDatabasePath { path in
            let secret = "sk-sluice-" + String(repeating: "A1b2", count: 10)
            do {
                let old = try SQLiteStore(path: path, migrations: [Migration.sqlite[0]])
                #expect(old.appliedMigrations.map(\.version) == [1])
                #expect(try await old.migrationVersions() == [1])
            }
            // A key as a build with only the first migration wrote it.
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO api_keys (id, name, key_hash, key_prefix, policy, models, created_at)
                        VALUES ('key_old', 'ci', ?, 'sk-sluice-A1b2', 'strict', '["claude-*"]', '2025-01-01 00:00:00.000')
                        """,
                    arguments: [Data(SHA256.digest(secret))])
            }
            try queue.close()

            let upgraded = try SQLiteStore(path: path)
            #expect(upgraded.appliedMigrations.map(\.version) == Array(Migration.sqlite.map(\.version).dropFirst()))
            #expect(try await upgraded.migrationVersions() == Migration.sqlite.map(\.version))

            let key = try await upgraded.authentication(of: secret, now: referenceDate).get()
            #expect(key.id == "key_old")
            #expect(key.policy == "strict")
            #expect(key.models == ["claude-*"])
            #expect(key.previousKeyExpiresAt == nil)

            // The columns of the second migration work: rotation with a grace window.
            let rotated = try await upgraded.rotateKey("ci", grace: .seconds(60), now: referenceDate)
            #expect(try await upgraded.authentication(of: secret, now: referenceDate.addingTimeInterval(59)).get().id == "key_old")
            #expect(try await upgraded.authentication(of: rotated.secret, now: referenceDate).get().id == "key_old")
            #expect(try await upgraded.authentication(of: secret, now: referenceDate.addingTimeInterval(60)) == .failure(.expired))
            #expect(try await upgraded.findKey("ci").previousKeyExpiresAt == referenceDate.addingTimeInterval(60))
        }
    }
}

@Suite struct PostgresStatementSplittingTests {
    @Test func statementsEndAtSemicolonsOutsideQuotesCommentsAndBodies() {
        let sql = """
            -- a comment; with a semicolon
            CREATE TABLE a (b TEXT DEFAULT 'x;y', "c;d" INT); /* block; comment */
            CREATE FUNCTION f() RETURNS INT AS $body$ SELECT 1; $body$ LANGUAGE sql;
            SELECT $$;$$;
            -- only a comment at the end;
            """
        #expect(
            PostgresMigrator.statements(in: sql) == [
                #"CREATE TABLE a (b TEXT DEFAULT 'x;y', "c;d" INT)"#,
                "CREATE FUNCTION f() RETURNS INT AS $body$ SELECT 1; $body$ LANGUAGE sql",
                "SELECT $$;$$",
            ])
    }

    @Test func everyShippedMigrationSplitsIntoStatements() {
        for migration in Migration.postgres {
            let statements = PostgresMigrator.statements(in: migration.sql)
            #expect(!statements.isEmpty)
            #expect(statements.allSatisfy { !$0.hasPrefix("--") && !$0.isEmpty })
        }
    }
}
