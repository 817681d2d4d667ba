internal import Foundation
internal import SluiceCore
internal import SluicePolicy
internal import SluiceStore

/// How commands print: JSON for scripts, aligned text for people.
enum Output {
    static func json(_ value: JSONValue) -> String { value.serializedString() }

    /// A table of keys, one line each, never showing more of a key than its prefix.
    static func keyTable(_ keys: [APIKey]) -> String {
        let header = ["NAME", "ID", "PREFIX", "ROLE", "STATUS", "TEAM", "POLICY", "MODELS", "LIMITS", "BUDGET", "EXPIRES", "LAST USED"]
        let rows = keys.map { key in
            [
                key.name, key.id, key.keyPrefix + "…", key.role.rawValue, AdminJSON.status(of: key), key.team ?? "-",
                key.policy ?? "(default)",
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
            ("status", AdminJSON.status(of: key)),
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

    /// A rag collection as JSON.
    static func collectionJSON(_ collection: RetrievalCollection) -> JSONValue {
        [
            "name": .string(collection.name), "embedding_backend": collection.embeddingBackend.map(JSONValue.string) ?? .null,
            "embedding_model": collection.embeddingModel.map(JSONValue.string) ?? .null,
            "dimensions": collection.dimensions.map(JSONValue.integer) ?? .null, "sources": .integer(collection.sourceCount),
            "chunks": .integer(collection.chunkCount), "created_at": AdminJSON.timestamp(collection.createdAt),
            "updated_at": AdminJSON.timestamp(collection.updatedAt),
        ]
    }

    static func text(_ date: Date?) -> String { date?.formatted(.iso8601) ?? "-" }
}
