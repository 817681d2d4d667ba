internal import Foundation
internal import Hummingbird
internal import SluiceCore
internal import SluicePolicy
internal import SluiceStore

extension AdminAPI {
    /// Requests, tokens and cost per key, team, model, session, agent or day over a range, as
    /// `sluice usage --by` shows them: `from`/`to` (ISO 8601), or `since` (a duration back from
    /// now; 24h when neither is given).
    func usage(_ request: Request) async throws -> Response {
        let query = try AdminQuery(request, allowed: ["by", "from", "to", "since", "key"])
        let grouping: UsageGrouping
        if let by = query["by"] {
            guard let chosen = UsageGrouping(rawValue: by) else {
                throw SluiceError.invalidField(
                    "by", "must be one of \(UsageGrouping.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            grouping = chosen
        } else {
            grouping = .model
        }
        let now = clock.now()
        let since = try query.duration("since")
        var from = try query.time("from")
        if since != nil, from != nil { throw SluiceError.invalidField("since", "goes instead of from, not with it") }
        from = from ?? now.addingTimeInterval(-(since ?? .seconds(86_400)).timeInterval)
        let to = try query.time("to")
        if let from, let to, to <= from { throw SluiceError.invalidField("to", "must come after from") }
        let rows = try await store.usageSummary(since: from ?? now, until: to, keyName: query["key"], by: grouping)
        return Gateway.jsonResponse([
            "by": .string(grouping.rawValue), "from": AdminJSON.timestamp(from), "to": AdminJSON.timestamp(to ?? now),
            "key": query["key"].map(JSONValue.string) ?? .null, "rows": .array(rows.map { AdminJSON.usage($0, by: grouping) }),
        ])
    }

    /// Audit entries, newest first: those since `since` (a duration or an ISO 8601 time; 7d by
    /// default), at most `limit` (100 by default).
    func audit(_ request: Request) async throws -> Response {
        let query = try AdminQuery(request, allowed: ["since", "limit"])
        let now = clock.now()
        let since: Date
        if let text = query["since"], let time = AdminQuery.parseTime(text) {
            since = time
        } else {
            since = now.addingTimeInterval(-(try query.duration("since") ?? .seconds(7 * 86_400)).timeInterval)
        }
        let limit = try query.integer("limit", in: 1...10_000) ?? 100
        let entries = try await store.auditEntries(since: since).suffix(limit).reversed()
        return Gateway.jsonResponse([
            "since": AdminJSON.timestamp(since), "entries": .array(entries.map(AdminJSON.audit)),
        ])
    }
}
