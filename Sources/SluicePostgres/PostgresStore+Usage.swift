public import Foundation
internal import PostgresNIO
public import SluiceStore

extension PostgresStore {
    static let usageColumns = """
        created_at, key_id, key_name, model, backend, endpoint, stream, status, input_tokens, output_tokens,
        cache_read_input_tokens, cache_creation_input_tokens, cache_hit, duration_ms, policies, client_certificate,
        session_id, agent_id, parent_agent_id, cost_usd, team
        """

    /// The rows and the journal's mark in one transaction; a batch of any size is one round trip
    /// per row at most, which the journal's 200 ms batching amortises.
    public func recordUsage(_ records: [UsageRecord], journal: String, segment: UInt64) async throws {
        let logger = logger
        try await run(deadline: .seconds(30)) { client in
            try await client.withTransaction(logger: logger) { connection in
                for chunk in stride(from: 0, to: records.count, by: 500) {
                    let rows = records[chunk..<min(chunk + 500, records.count)]
                    try await connection.query(Self.insertion(of: rows, copiedFrom: nil), logger: logger)
                }
                try await connection.query(
                    """
                    INSERT INTO usage_journal_marks (journal, segment) VALUES (\(journal), \(Int64(segment)))
                    ON CONFLICT (journal) DO UPDATE SET segment = excluded.segment
                    """, logger: logger)
            }
        }
    }

    /// One multi-row INSERT of `rows`; with `copiedFrom`, each row's source id is recorded, rows
    /// already copied are skipped, and the ids of those inserted come back.
    static func insertion(of rows: some Collection<UsageRecord>, copiedFrom source: String?) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: rows.count * 22)
        var values: [String] = []
        for record in rows {
            var placeholders: [String] = []
            func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) {
                bindings.append(value)
                placeholders.append("$\(bindings.count)")
            }
            func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value?) {
                bindings.append(value)
                placeholders.append("$\(bindings.count)")
            }
            bind(record.createdAt)
            bind(record.keyID)
            bind(record.keyName)
            bind(record.model)
            bind(record.backend)
            bind(record.endpoint)
            bind(record.stream)
            bind(record.status)
            bind(record.inputTokens)
            bind(record.outputTokens)
            bind(record.cacheReadInputTokens)
            bind(record.cacheCreationInputTokens)
            bind(record.cacheHit)
            bind(record.durationMilliseconds)
            bind(record.policies)
            bind(record.clientCertificate)
            bind(record.sessionID)
            bind(record.agentID)
            bind(record.parentAgentID)
            bind(record.costUSD)
            bind(record.team)
            if let source { bind("\(source)#\(record.id ?? 0)") }
            values.append("(" + placeholders.joined(separator: ", ") + ")")
        }
        let columns = source == nil ? usageColumns : usageColumns + ", copied_from"
        let conflict = source == nil ? "" : " ON CONFLICT (copied_from) DO NOTHING RETURNING id"
        return PostgresQuery(
            unsafeSQL: "INSERT INTO usage (\(columns)) VALUES \(values.joined(separator: ", "))\(conflict)", binds: bindings)
    }

    public func usageJournalMark(journal: String) async throws -> UInt64 {
        try await run { client in
            let rows = try await client.query("SELECT segment FROM usage_journal_marks WHERE journal = \(journal)").collect()
            return try rows.first.map { UInt64(try $0.decode(Int64.self)) } ?? 0
        }
    }

    public func usageSummary(since: Date, until: Date?, keyName: String?, by grouping: UsageGrouping) async throws -> [UsageSummary] {
        let groups = grouping.columns(.postgres)
        let columns = groups.map { "\($0.expression) AS \($0.name)" }.joined(separator: ", ")
        let groupNumbers = (1...groups.count).map(String.init).joined(separator: ", ")
        let order = grouping == .day ? "1" : "requests DESC, \(groupNumbers)"
        return try await run { client in
            let rows = try await client.query(
                """
                SELECT \(unescaped: columns), COUNT(*)::bigint AS requests,
                       COUNT(*) FILTER (WHERE status >= 400)::bigint AS errors, COALESCE(SUM(input_tokens), 0)::bigint AS input_tokens,
                       COALESCE(SUM(output_tokens), 0)::bigint AS output_tokens,
                       COALESCE(SUM(cache_read_input_tokens), 0)::bigint AS cache_read,
                       COUNT(*) FILTER (WHERE cache_hit)::bigint AS cache_hits, COALESCE(SUM(cost_usd), 0)::float8 AS cost_usd
                FROM usage WHERE created_at >= \(since) AND (\(until)::timestamptz IS NULL OR created_at < \(until))
                    AND (\(keyName)::text IS NULL OR key_name = \(keyName))
                GROUP BY \(unescaped: groupNumbers) ORDER BY \(unescaped: order)
                """
            ).collect()
            return try rows.map { row in
                let row = row.makeRandomAccess()
                var group: [String: String] = [:]
                for column in groups { group[column.name] = try row[column.name].decode(String.self) }
                return UsageSummary(
                    group: group, requests: try row["requests"].decode(Int.self), errors: try row["errors"].decode(Int.self),
                    inputTokens: try row["input_tokens"].decode(Int.self), outputTokens: try row["output_tokens"].decode(Int.self),
                    cacheReadInputTokens: try row["cache_read"].decode(Int.self), cacheHits: try row["cache_hits"].decode(Int.self),
                    costUSD: try row["cost_usd"].decode(Double.self))
            }
        }
    }

    public func usage(afterID id: Int64, limit: Int) async throws -> [UsageRecord] {
        try await run { client in
            try await client.query(
                "SELECT id, \(unescaped: Self.usageColumns) FROM usage WHERE id > \(id) ORDER BY id LIMIT \(limit)"
            ).collect().map { row in
                let row = row.makeRandomAccess()
                var record = UsageRecord(
                    createdAt: try row["created_at"].decode(Date.self), keyID: try row["key_id"].decode(String?.self),
                    keyName: try row["key_name"].decode(String?.self), model: try row["model"].decode(String?.self),
                    backend: try row["backend"].decode(String?.self), endpoint: try row["endpoint"].decode(String.self),
                    stream: try row["stream"].decode(Bool.self), status: try row["status"].decode(Int.self),
                    inputTokens: try row["input_tokens"].decode(Int.self), outputTokens: try row["output_tokens"].decode(Int.self),
                    cacheReadInputTokens: try row["cache_read_input_tokens"].decode(Int.self),
                    cacheCreationInputTokens: try row["cache_creation_input_tokens"].decode(Int.self),
                    cacheHit: try row["cache_hit"].decode(Bool.self), durationMilliseconds: try row["duration_ms"].decode(Double.self),
                    policies: try row["policies"].decode(String.self),
                    clientCertificate: try row["client_certificate"].decode(String?.self),
                    sessionID: try row["session_id"].decode(String?.self), agentID: try row["agent_id"].decode(String?.self),
                    parentAgentID: try row["parent_agent_id"].decode(String?.self), costUSD: try row["cost_usd"].decode(Double.self),
                    team: try row["team"].decode(String?.self))
                record.id = try row["id"].decode(Int64.self)
                return record
            }
        }
    }
}
