/// Why a store could not be opened; each message says what to do.
public enum StoreOpeningError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `database:` is a URL whose scheme is neither `postgres` nor `postgresql`.
    case unknownScheme(String)
    /// A `postgres://` URL that cannot be used as written.
    case invalidURL(String)
    /// The database was migrated by a newer Sluice than this one.
    case schemaNewer(database: Int, known: Int)

    public var description: String {
        switch self {
        case .unknownScheme(let scheme):
            "database: unknown scheme '\(scheme)://': use a file path for SQLite or postgres://USER:PASSWORD@HOST:PORT/DB for PostgreSQL"
        case .invalidURL(let problem): "database: \(problem)"
        case .schemaNewer(let database, let known):
            "the database schema (version \(database)) is newer than this sluice (knows up to \(known)): "
                + "a newer release migrated it; run that release or newer"
        }
    }
}
