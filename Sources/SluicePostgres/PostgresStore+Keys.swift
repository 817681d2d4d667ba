public import Foundation
internal import PostgresNIO
internal import SluiceCore
internal import SluicePolicy
public import SluiceStore

extension PostgresStore {
    static let keyColumns = """
        id, name, key_hash, key_prefix, policy, models, expires_at, revoked_at, created_at, last_used_at,
        previous_key_hash, previous_key_expires_at, requests_per_minute, tokens_per_minute, concurrency, team,
        budget_nanodollars, budget_period, role
        """

    /// The statement storing `key` whole, hash included; `then` follows it (`ON CONFLICT …`).
    static func insertion(of key: APIKey, then clause: String = "") throws -> PostgresQuery {
        try """
        INSERT INTO api_keys (\(unescaped: keyColumns)) VALUES (
            \(key.id), \(key.name), \(key.keyHash), \(key.keyPrefix), \(key.policy), \(encodeModels(key.models)),
            \(key.expiresAt), \(key.revokedAt), \(key.createdAt), \(key.lastUsedAt), \(key.previousKeyHash),
            \(key.previousKeyExpiresAt), \(key.requestsPerMinute), \(key.tokensPerMinute), \(key.concurrency), \(key.team),
            \(key.budgetNanodollars), \(key.budgetPeriod?.rawValue), \(key.role.rawValue))
        \(unescaped: clause)
        """
    }

    public func insertKey(_ key: APIKey) async throws {
        do {
            try await run { client in try await client.query(try Self.insertion(of: key)) }
        } catch  where Self.sqlState(of: error) == "23505" {
            throw SluiceError.invalidRequest("a key named '\(key.name)' already exists")
        }
    }

    public func updateKey(_ key: APIKey) async throws {
        try await run { client in
            try await client.query(
                """
                UPDATE api_keys SET name = \(key.name), key_hash = \(key.keyHash), key_prefix = \(key.keyPrefix),
                    policy = \(key.policy), models = \(Self.encodeModels(key.models)), expires_at = \(key.expiresAt),
                    revoked_at = \(key.revokedAt), last_used_at = \(key.lastUsedAt), previous_key_hash = \(key.previousKeyHash),
                    previous_key_expires_at = \(key.previousKeyExpiresAt), requests_per_minute = \(key.requestsPerMinute),
                    tokens_per_minute = \(key.tokensPerMinute), concurrency = \(key.concurrency), team = \(key.team),
                    budget_nanodollars = \(key.budgetNanodollars), budget_period = \(key.budgetPeriod?.rawValue),
                    role = \(key.role.rawValue)
                WHERE id = \(key.id)
                """)
        }
    }

    public func listKeys() async throws -> [APIKey] {
        try await run { client in
            try await client.query("SELECT \(unescaped: Self.keyColumns) FROM api_keys ORDER BY created_at, name").collect()
                .map(Self.decodeKey)
        }
    }

    public func key(idOrName: String) async throws -> APIKey? {
        // An id is unique and unambiguous, so it wins over a key that happens to be named like one.
        try await run { client in
            try await client.query(
                """
                SELECT \(unescaped: Self.keyColumns) FROM api_keys WHERE id = \(idOrName) OR name = \(idOrName)
                ORDER BY (id = \(idOrName)) DESC LIMIT 1
                """
            ).collect().first.map(Self.decodeKey)
        }
    }

    public func key(hash: [UInt8]) async throws -> APIKey? {
        let hash = Data(hash)
        return try await run { client in
            try await client.query(
                """
                SELECT \(unescaped: Self.keyColumns) FROM api_keys WHERE key_hash = \(hash)
                UNION ALL
                SELECT \(unescaped: Self.keyColumns) FROM api_keys WHERE previous_key_hash = \(hash)
                LIMIT 1
                """
            ).collect().first.map(Self.decodeKey)
        }
    }

    public func recordUse(of key: APIKey, now: Date) {
        guard lastUsedThrottle.shouldRecord(keyID: key.id, now: now) else { return }
        let id = key.id
        Task { _ = try? await run { client in try await client.query("UPDATE api_keys SET last_used_at = \(now) WHERE id = \(id)") } }
    }

    public func hasKeys() async throws -> Bool {
        try await run { client in try await client.query("SELECT 1 FROM api_keys LIMIT 1").collect().count > 0 }
    }

    static func decodeKey(_ row: PostgresRow) throws -> APIKey {
        let row = row.makeRandomAccess()
        let models = try row["models"].decode(String.self)
        return APIKey(
            id: try row["id"].decode(String.self), name: try row["name"].decode(String.self),
            keyHash: try row["key_hash"].decode(Data.self), keyPrefix: try row["key_prefix"].decode(String.self),
            policy: try row["policy"].decode(String?.self),
            models: (try? JSONDecoder().decode([String].self, from: Data(models.utf8))) ?? [],
            expiresAt: try row["expires_at"].decode(Date?.self), revokedAt: try row["revoked_at"].decode(Date?.self),
            createdAt: try row["created_at"].decode(Date.self), lastUsedAt: try row["last_used_at"].decode(Date?.self),
            previousKeyHash: try row["previous_key_hash"].decode(Data?.self),
            previousKeyExpiresAt: try row["previous_key_expires_at"].decode(Date?.self),
            requestsPerMinute: try row["requests_per_minute"].decode(Int?.self),
            tokensPerMinute: try row["tokens_per_minute"].decode(Int?.self), concurrency: try row["concurrency"].decode(Int?.self),
            team: try row["team"].decode(String?.self), budgetNanodollars: try row["budget_nanodollars"].decode(Int64?.self),
            budgetPeriod: try row["budget_period"].decode(String?.self).flatMap(BudgetPeriod.init(rawValue:)),
            role: KeyRole(rawValue: try row["role"].decode(String.self)) ?? .user)
    }

    /// `models` as the JSON array text both stores keep.
    static func encodeModels(_ models: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(models)) ?? Data("[]".utf8), as: UTF8.self)
    }
}
