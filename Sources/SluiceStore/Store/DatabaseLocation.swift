internal import Foundation

/// What `database:` (or `--database`, or `SLUICE_DATABASE`) names: a SQLite file or a PostgreSQL URL.
public enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    /// A `postgres://` or `postgresql://` URL is PostgreSQL, any other `scheme://` is an error
    /// (not a file of that name), and anything else is a SQLite path.
    public init(_ text: String) throws(StoreOpeningError) {
        guard let separator = text.range(of: "://") else {
            self = .sqlite(path: text)
            return
        }
        let scheme = text[..<separator.lowerBound].lowercased()
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw .unknownScheme(String(text[..<separator.lowerBound]))
        }
        self = .postgres(url: text)
    }
}
