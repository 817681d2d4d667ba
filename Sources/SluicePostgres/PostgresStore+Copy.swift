internal import Foundation
internal import PostgresNIO
internal import SluiceCore
internal import SluicePolicy
public import SluiceStore

/// What `sluice db copy` did.
public struct CopySummary: Sendable, Hashable {
    public var keysCopied = 0
    public var keysAlreadyThere = 0
    public var usageCopied = 0
    public var usageAlreadyThere = 0
    public var quotaTotals = 0
    public var teamsCopied = 0
    public var auditEntriesCopied = 0
    public var collectionsCopied = 0
    public var documentsCopied = 0
}

extension PostgresStore {
    /// Copies teams, keys (with their hashes: no key is minted, every secret keeps working), usage
    /// rows, quota totals and the audit log from `source` into this database. Copying again adds
    /// nothing: teams are matched by name, keys by id, usage rows by their source row, audit
    /// entries by their content, and quota totals keep the larger count.
    ///
    /// - Parameter sourceName: names the source in each copied usage row (`copied_from`).
    public func copy(from source: any GatewayStore, sourceName: String) async throws -> CopySummary {
        var summary = CopySummary()
        for team in try await source.listTeams() {
            let inserted = try await run { client in
                try await client.query(
                    """
                    INSERT INTO teams (name, policy, budget_nanodollars, budget_period, created_at)
                    VALUES (\(team.name), \(team.policy), \(team.budgetNanodollars), \(team.budgetPeriod.rawValue), \(team.createdAt))
                    ON CONFLICT (name) DO NOTHING RETURNING name
                    """
                ).collect().count
            }
            summary.teamsCopied += inserted
        }
        for key in try await source.listKeys() {
            let inserted = try await run { client in
                try await client.query(try Self.insertion(of: key, then: "ON CONFLICT (id) DO NOTHING RETURNING id")).collect().count
            }
            if inserted == 1 { summary.keysCopied += 1 } else { summary.keysAlreadyThere += 1 }
        }
        var after: Int64 = 0
        while true {
            let batch = try await source.usage(afterID: after, limit: 1000)
            guard let last = batch.last?.id else { break }
            after = last
            let query = Self.insertion(of: batch, copiedFrom: sourceName)
            let inserted = try await run(deadline: .seconds(60)) { client in try await client.query(query).collect().count }
            summary.usageCopied += inserted
            summary.usageAlreadyThere += batch.count - inserted
        }
        for total in try await source.quotaTotals() {
            try await run { client in
                try await client.query(
                    """
                    INSERT INTO token_quotas (key_id, period, tokens, updated_at)
                    VALUES (\(total.keyID), \(total.period), \(total.tokens), \(total.updatedAt))
                    ON CONFLICT (key_id, period) DO UPDATE SET tokens = GREATEST(token_quotas.tokens, excluded.tokens)
                    """)
            }
            summary.quotaTotals += 1
        }
        for entry in try await source.auditEntries(since: .distantPast) {
            summary.auditEntriesCopied += try await run { client in
                try await client.query(
                    """
                    INSERT INTO audit_log (at, actor, action, target, details)
                    SELECT \(entry.at), \(entry.actor), \(entry.action), \(entry.target), \(entry.details)
                    WHERE NOT EXISTS (
                        SELECT 1 FROM audit_log WHERE at = \(entry.at) AND actor = \(entry.actor) AND action = \(entry.action)
                            AND target = \(entry.target) AND details = \(entry.details))
                    RETURNING id
                    """
                ).collect().count
            }
        }
        try await copyCollections(from: source, into: &summary)
        return summary
    }

    /// RAG collections with their passages and vectors as stored, so nothing is embedded again. A
    /// document is copied when the target lacks it or holds another version (its content hash).
    private func copyCollections(from source: any GatewayStore, into summary: inout CopySummary) async throws {
        for collection in try await source.collections() {
            if let existing = try await self.collection(named: collection.name) {
                guard existing.embeddingBackend == collection.embeddingBackend, existing.embeddingModel == collection.embeddingModel
                else {
                    throw SluiceError.invalidRequest(
                        "collection '\(collection.name)' exists in the target with other embeddings; remove it there or rename one")
                }
            } else {
                try await createCollection(collection)
                summary.collectionsCopied += 1
            }
            let present = Dictionary(
                try await sources(inCollection: collection.name).map { ($0.path, $0.contentHash) }, uniquingKeysWith: { first, _ in first })
            for document in try await source.sources(inCollection: collection.name) where present[document.path] != document.contentHash {
                // replaceSource gives the passages ids of this database's own.
                let chunks = try await source.chunks(ofSource: document.path, inCollection: collection.name)
                try await replaceSource(document, chunks: chunks)
                summary.documentsCopied += 1
            }
        }
    }
}
