internal import PostgresNIO
public import SluicePolicy

extension PostgresStore: SharedCounterStore {
    public func counters(for key: String) async throws -> VersionedCounters? {
        try await run { client in
            try await client.query("SELECT version, state FROM rate_limit_counters WHERE key_id = \(key)").collect().first.map {
                let (version, state) = try $0.decode((Int64, String).self)
                return VersionedCounters(version: version, state: state)
            }
        }
    }

    /// One round trip either way: the row as it was before this statement comes back with the
    /// outcome, so a lost race needs no second read. Prepared once per connection: this runs on
    /// every admission.
    public func replaceCounters(for key: String, expected: Int64, with state: String) async throws -> VersionedCounters? {
        let statement = ReplaceCounters(key: key, expected: expected, state: state)
        let (stored, version, current) = try await run { client in
            for try await row in try await client.execute(statement) { return row }
            return (Int64(0), Int64?.none, String?.none)
        }
        if stored == 1 { return nil }
        // The statement's snapshot predates its own change, so this is the row that won the race.
        return VersionedCounters(version: version ?? 0, state: current ?? "{}")
    }
}

/// Stores a key's counters as version `expected + 1` if it is still at `expected`, or as version 1
/// if there is no row (expected 0), and reads the row as it was: (rows changed, version, state).
struct ReplaceCounters: PostgresPreparedStatement {
    static let sql = """
        WITH changed AS (
            INSERT INTO rate_limit_counters AS counters (key_id, version, state) VALUES ($1, 1, $3)
            ON CONFLICT (key_id) DO UPDATE SET version = counters.version + 1, state = excluded.state, updated_at = now()
                WHERE counters.version = $2 AND $2 <> 0
            RETURNING 1)
        SELECT (SELECT count(*) FROM changed), (SELECT version FROM rate_limit_counters WHERE key_id = $1),
            (SELECT state FROM rate_limit_counters WHERE key_id = $1)
        """

    typealias Row = (Int64, Int64?, String?)

    var key: String
    var expected: Int64
    var state: String

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(key)
        bindings.append(expected)
        bindings.append(state)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}
