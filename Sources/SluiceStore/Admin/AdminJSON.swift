public import Foundation
public import SluiceCore
public import SluicePolicy

/// Keys, teams, budgets, usage and audit entries as JSON, the same for `sluice … --json` and the
/// admin API. A key's secret appears only in the answer that minted it.
public enum AdminJSON {
    /// ISO 8601, or `null`.
    public static func timestamp(_ date: Date?) -> JSONValue {
        guard let date else { return .null }
        return .string(date.formatted(.iso8601))
    }

    /// A key; `secret` only when it was just minted, the one time it is shown.
    public static func key(_ key: APIKey, secret: String? = nil, now: Date = Date()) -> JSONValue {
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
        object["status"] = .string(status(of: key, now: now))
        return .object(object)
    }

    /// `active`, `revoked` or `expired`.
    public static func status(of key: APIKey, now: Date = Date()) -> String {
        if key.revokedAt != nil { return "revoked" }
        if let expiresAt = key.expiresAt, expiresAt <= now { return "expired" }
        return "active"
    }

    /// A key as the audit log shows it: what an admin set, never the secret or its hash.
    public static func keyAuditDetails(_ key: APIKey) -> JSONObject {
        var details = Self.key(key).objectValue ?? [:]
        details["last_used_at"] = nil
        details["status"] = nil
        return details
    }

    public static func team(_ team: Team) -> JSONValue {
        [
            "name": .string(team.name), "policy": team.policy.map(JSONValue.string) ?? .null,
            "budget_usd": team.budget.map { .double($0.limit.dollars) } ?? .null,
            "budget_period": .string(team.budgetPeriod.rawValue), "created_at": timestamp(team.createdAt),
        ]
    }

    /// A budget against what it has spent this period.
    public static func budget(_ status: BudgetStatus) -> JSONValue {
        let (scope, name): (String, String) =
            switch status.budget.owner {
            case .key(_, let name): ("key", name)
            case .team(let name): ("team", name)
            }
        return [
            "scope": .string(scope), "name": .string(name), "period": .string(status.budget.period.rawValue),
            "budget_usd": .double(status.budget.limit.dollars), "spent_usd": .double(status.spent.dollars),
            "resets_at": timestamp(status.resetsAt),
        ]
    }

    /// One group's usage totals, its grouping columns named as people read them (`key`, not `key_name`).
    public static func usage(_ row: UsageSummary, by grouping: UsageGrouping) -> JSONValue {
        var object = JSONObject()
        for name in grouping.columnNames { object[UsageGrouping.label(of: name)] = .string(row.group[name] ?? "-") }
        object["requests"] = .integer(row.requests)
        object["errors"] = .integer(row.errors)
        object["input_tokens"] = .integer(row.inputTokens)
        object["output_tokens"] = .integer(row.outputTokens)
        object["cache_read_input_tokens"] = .integer(row.cacheReadInputTokens)
        object["cache_hits"] = .integer(row.cacheHits)
        object["cost_usd"] = .double(row.costUSD)
        return .object(object)
    }

    public static func audit(_ entry: AuditEntry) -> JSONValue {
        let details = (try? JSONParser.parse(Array(entry.details.utf8))) ?? .object([:])
        return [
            "id": entry.id.map { .integer(Int($0)) } ?? .null, "at": timestamp(entry.at), "actor": .string(entry.actor),
            "action": .string(entry.action), "target": .string(entry.target), "details": details,
        ]
    }

    /// The fields that differ between two JSON forms of one thing, each as `{"from": …, "to": …}`.
    public static func changes(from before: JSONValue, to after: JSONValue) -> JSONObject {
        let old = before.objectValue ?? [:], new = after.objectValue ?? [:]
        var changed = JSONObject()
        for (name, value) in new where old[name] != value {
            changed[name] = ["from": old[name] ?? .null, "to": value]
        }
        return changed
    }
}
