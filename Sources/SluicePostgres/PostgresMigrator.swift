internal import Foundation
internal import Logging
internal import PostgresNIO
internal import SluiceStore

/// Applies the PostgreSQL migrations in version order, each once and in its own transaction,
/// recording each in `sluice_migrations`.
///
/// The whole run holds a session advisory lock, so replicas starting at the same moment take
/// turns: the first applies what is pending, the others find nothing left to do.
struct PostgresMigrator {
    let migrations: [Migration]

    /// The advisory lock's key: "sluice" in ASCII, so it is recognisable in `pg_locks`.
    static let lockKey: Int64 = 0x736C_7569_6365

    func migrate(_ client: PostgresClient, logger: Logger) async throws -> [Migration] {
        try await client.withConnection { connection in
            _ = try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                let applied = try await apply(on: connection, logger: logger)
                _ = try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    private func apply(on connection: PostgresConnection, logger: Logger) async throws -> [Migration] {
        _ = try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS sluice_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """, logger: logger)
        var applied = Set<Int>()
        for try await version in try await connection.query("SELECT version FROM sluice_migrations", logger: logger).decode(Int.self) {
            applied.insert(version)
        }
        let known = migrations.map(\.version).max() ?? 0
        if let newest = applied.max(), newest > known { throw StoreOpeningError.schemaNewer(database: newest, known: known) }
        var done: [Migration] = []
        for migration in migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(migration.version) {
            // The file and its record, or neither. PostgresNIO sends one statement per query.
            _ = try await connection.query("BEGIN", logger: logger)
            do {
                for statement in Self.statements(in: migration.sql) {
                    _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                _ = try await connection.query(
                    "INSERT INTO sluice_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
                _ = try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            done.append(migration)
        }
        return done
    }

    /// The statements of a migration file, split at the semicolons that end them: not those in
    /// quoted strings, quoted names, comments or dollar-quoted bodies. Comments are left out.
    static func statements(in sql: String) -> [String] {
        let characters = Array(sql.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0
        func finish() {
            let statement = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if !statement.isEmpty { statements.append(statement) }
            current = String.UnicodeScalarView()
        }
        /// Copies from `index` through the first occurrence of `terminator`, or to the end.
        func copy(through terminator: [Unicode.Scalar]) {
            while index < characters.count {
                if characters[index...].starts(with: terminator) {
                    current.append(contentsOf: terminator)
                    index += terminator.count
                    return
                }
                current.append(characters[index])
                index += 1
            }
        }
        /// Skips a comment, leaving a space (so a statement with only comments is empty).
        func skip(through terminator: [Unicode.Scalar]) {
            let start = current
            copy(through: terminator)
            current = start
            current.append(" ")
        }
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "'", "\"":
                current.append(character)
                index += 1
                copy(through: [character])
            case "-" where index + 1 < characters.count && characters[index + 1] == "-":
                skip(through: ["\n"])
            case "/" where index + 1 < characters.count && characters[index + 1] == "*":
                skip(through: ["*", "/"])
            case "$":
                // `$tag$ ... $tag$`, where the tag may be empty.
                var end = index + 1
                while end < characters.count, characters[end] == "_" || characters[end].properties.isAlphabetic { end += 1 }
                if end < characters.count, characters[end] == "$" {
                    let tag = Array(characters[index...end])
                    current.append(contentsOf: tag)
                    index = end + 1
                    copy(through: tag)
                } else {
                    current.append(character)
                    index += 1
                }
            case ";":
                finish()
                index += 1
            default:
                current.append(character)
                index += 1
            }
        }
        finish()
        return statements
    }
}
