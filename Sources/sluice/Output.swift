internal import Foundation
internal import SluiceCore
internal import SluicePolicy
internal import SluiceStore

/// How commands print: JSON for scripts, aligned text for people.
enum Output {
    static func json(_ value: JSONValue) -> String { value.serializedString() }

    static func timestamp(_ date: Date?) -> JSONValue {
        guard let date else { return .null }
        return .string(date.formatted(.iso8601))
    }

    /// A key as JSON; `secret` only when it was just minted, the one time it is shown.
    static func keyJSON(_ key: APIKey, secret: String? = nil) -> JSONValue {
        var object: JSONObject = ["id": .string(key.id), "name": .string(key.name)]
        if let secret { object["key"] = .string(secret) }
        object["prefix"] = .string(key.keyPrefix)
        object["role"] = .string(key.role.rawValue)
        object["policy"] = key.policy.map(JSONValue.string) ?? .null
        object["models"] = .array(key.models.map(JSONValue.string))
        object["expires_at"] = timestamp(key.expiresAt)
        object["revoked_at"] = timestamp(key.revokedAt)
        object["created_at"] = timestamp(key.createdAt)
        object["last_used_at"] = timestamp(key.lastUsedAt)
        object["previous_key_expires_at"] = timestamp(key.previousKeyExpiresAt)
        object["requests_per_minute"] = key.requestsPerMinute.map(JSONValue.integer) ?? .null
        object["tokens_per_minute"] = key.tokensPerMinute.map(JSONValue.integer) ?? .null
        object["concurrency"] = key.concurrency.map(JSONValue.integer) ?? .null
        object["team"] = key.team.map(JSONValue.string) ?? .null
        object["budget_usd"] = key.budget.map { .double($0.limit.dollars) } ?? .null
        object["budget_period"] = key.budget.map { .string($0.period.rawValue) } ?? .null
        object["status"] = .string(status(of: key))
        return .object(object)
    }

    static func status(of key: APIKey, now: Date = Date()) -> String {
        if key.revokedAt != nil { return "revoked" }
        if let expiresAt = key.expiresAt, expiresAt <= now { return "expired" }
        return "active"
    }

    /// A table of keys, one line each, never showing more of a key than its prefix.
    static func keyTable(_ keys: [APIKey]) -> String {
        let header = ["NAME", "ID", "PREFIX", "ROLE", "STATUS", "TEAM", "POLICY", "MODELS", "LIMITS", "BUDGET", "EXPIRES", "LAST USED"]
        let rows = keys.map { key in
            [
                key.name, key.id, key.keyPrefix + "…", key.role.rawValue, status(of: key), key.team ?? "-", key.policy ?? "(default)",
                key.models.isEmpty ? "*" : key.models.joined(separator: ","), limits(of: key), budgetText(key.budget),
                text(key.expiresAt), text(key.lastUsedAt),
            ]
        }
        return table([header] + rows)
    }

    /// Rows as aligned columns.
    static func table(_ rows: [[String]]) -> String {
        let widths = (rows.first ?? []).indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    private static func limits(of key: APIKey) -> String {
        let parts = [
            key.requestsPerMinute.map { "rpm=\($0)" }, key.tokensPerMinute.map { "tpm=\($0)" }, key.concurrency.map { "concurrency=\($0)" },
        ]
        .compactMap { $0 }
        return parts.isEmpty ? "(policy)" : parts.joined(separator: ",")
    }

    static func keyDetails(_ key: APIKey) -> String {
        [
            ("name", key.name), ("id", key.id), ("prefix", key.keyPrefix + "…"), ("role", key.role.rawValue),
            ("status", status(of: key)),
            ("policy", key.policy ?? "(default)"), ("models", key.models.isEmpty ? "*" : key.models.joined(separator: ",")),
            ("limits", limits(of: key)), ("team", key.team ?? "-"), ("budget", budgetText(key.budget)),
            ("expires", text(key.expiresAt)), ("revoked", text(key.revokedAt)), ("created", text(key.createdAt)),
            ("last used", text(key.lastUsedAt)),
        ]
        .map { "\($0.0.padding(toLength: 9, withPad: " ", startingAt: 0))  \($0.1)" }.joined(separator: "\n")
    }

    /// `$10.00/month`, or `-` for none.
    static func budgetText(_ budget: Budget?) -> String {
        budget.map { "\($0.limit)/\($0.period.rawValue)" } ?? "-"
    }

    /// A team as JSON.
    static func teamJSON(_ team: Team) -> JSONValue {
        [
            "name": .string(team.name), "policy": team.policy.map(JSONValue.string) ?? .null,
            "budget_usd": team.budget.map { .double($0.limit.dollars) } ?? .null,
            "budget_period": .string(team.budgetPeriod.rawValue), "created_at": timestamp(team.createdAt),
        ]
    }

    /// A rag collection as JSON.
    static func collectionJSON(_ collection: RetrievalCollection) -> JSONValue {
        [
            "name": .string(collection.name), "embedding_backend": collection.embeddingBackend.map(JSONValue.string) ?? .null,
            "embedding_model": collection.embeddingModel.map(JSONValue.string) ?? .null,
            "dimensions": collection.dimensions.map(JSONValue.integer) ?? .null, "sources": .integer(collection.sourceCount),
            "chunks": .integer(collection.chunkCount), "created_at": timestamp(collection.createdAt),
            "updated_at": timestamp(collection.updatedAt),
        ]
    }

    static func text(_ date: Date?) -> String { date?.formatted(.iso8601) ?? "-" }
}
