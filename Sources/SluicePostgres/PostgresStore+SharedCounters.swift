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
    /// outcome, so a lost race needs no second read.
    public func replaceCounters(for key: String, expected: Int64, with state: String) async throws -> VersionedCounters? {
        let (stored, version, current) = try await run { client in
            let query: PostgresQuery =
                expected == 0
                ? """
                WITH changed AS (
                    INSERT INTO rate_limit_counters (key_id, version, state) VALUES (\(key), 1, \(state))
                    ON CONFLICT (key_id) DO NOTHING RETURNING 1)
                SELECT (SELECT count(*) FROM changed), (SELECT version FROM rate_limit_counters WHERE key_id = \(key)),
                    (SELECT state FROM rate_limit_counters WHERE key_id = \(key))
                """
                : """
                WITH changed AS (
                    UPDATE rate_limit_counters SET version = version + 1, state = \(state), updated_at = now()
                    WHERE key_id = \(key) AND version = \(expected) RETURNING 1)
                SELECT (SELECT count(*) FROM changed), (SELECT version FROM rate_limit_counters WHERE key_id = \(key)),
                    (SELECT state FROM rate_limit_counters WHERE key_id = \(key))
                """
            guard let row = try await client.query(query).collect().first else { return (Int64(0), Int64?.none, String?.none) }
            return try row.decode((Int64, Int64?, String?).self)
        }
        if stored == 1 { return nil }
        // The statement's snapshot predates its own change, so this is the row that won the race.
        return VersionedCounters(version: version ?? 0, state: current ?? "{}")
    }
}
