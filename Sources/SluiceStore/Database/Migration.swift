/// One numbered SQL file of `migrations/`, compiled into the binary by the EmbedMigrations plugin.
public struct Migration: Sendable, Hashable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Every migration shipped with this build, in order.
    public static var all: [Migration] { EmbeddedMigrations.all }
}
