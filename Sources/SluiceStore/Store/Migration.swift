/// One numbered SQL file of `migrations/sqlite/` or `migrations/postgres/`, compiled into the
/// binary by the EmbedMigrations plugin. Each dialect numbers its own files; a shipped file is
/// never edited, changes come as new files.
public struct Migration: Sendable, Hashable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The SQLite migrations shipped with this build, in order.
    public static var sqlite: [Migration] { EmbeddedMigrations.sqlite }

    /// The PostgreSQL migrations shipped with this build, in order.
    public static var postgres: [Migration] { EmbeddedMigrations.postgres }
}
