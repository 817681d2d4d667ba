/// A statement PostgreSQL refused (a constraint, a value out of range): the server's own words and
/// SQLSTATE, which PostgresNIO's error hides from its description.
public struct PostgresStatementError: Error, Sendable, CustomStringConvertible {
    public let sqlState: String
    public let message: String

    public var description: String { "PostgreSQL refused the statement: \(message) (SQLSTATE \(sqlState))" }
}
