import Foundation
import SluiceCore
import SluicePolicy
import SluiceStore
import Synchronization

/// A store whose usage writes fail while ``down`` is set, as a database outage makes them fail;
/// everything else goes to the store it wraps.
final class OutageStore: GatewayStore {
    let base: any GatewayStore
    private let outage = Mutex(false)

    init(_ base: any GatewayStore) {
        self.base = base
    }

    var down: Bool {
        get { outage.withLock { $0 } }
        set { outage.withLock { $0 = newValue } }
    }

    func recordUsage(_ records: [UsageRecord], journal: String, segment: UInt64) async throws {
        if down { throw StoreUnavailable("the database is down (test)") }
        try await base.recordUsage(records, journal: journal, segment: segment)
    }

    var location: String { base.location }
    var appliedMigrations: [Migration] { base.appliedMigrations }
    var sharedCounters: (any SharedCounterStore)? { base.sharedCounters }
    func migrationVersions() async throws -> [Int] { try await base.migrationVersions() }
    func isReachable() async -> Bool { await base.isReachable() }
    func close() async { await base.close() }
    func insertKey(_ key: APIKey) async throws { try await base.insertKey(key) }
    func updateKey(_ key: APIKey) async throws { try await base.updateKey(key) }
    func listKeys() async throws -> [APIKey] { try await base.listKeys() }
    func key(idOrName: String) async throws -> APIKey? { try await base.key(idOrName: idOrName) }
    func key(hash: [UInt8]) async throws -> APIKey? { try await base.key(hash: hash) }
    func recordUse(of key: APIKey, now: Date) { base.recordUse(of: key, now: now) }
    func hasKeys() async throws -> Bool { try await base.hasKeys() }
    func insertTeam(_ team: Team) async throws { try await base.insertTeam(team) }
    func updateTeam(_ team: Team) async throws { try await base.updateTeam(team) }
    func team(named name: String) async throws -> Team? { try await base.team(named: name) }
    func listTeams() async throws -> [Team] { try await base.listTeams() }
    func deleteTeam(named name: String) async throws -> Bool { try await base.deleteTeam(named: name) }
    func recordAudit(_ entry: AuditEntry) async throws { try await base.recordAudit(entry) }
    func auditEntries(since: Date) async throws -> [AuditEntry] { try await base.auditEntries(since: since) }
    func spending(_ accounts: [SpendingAccount]) async throws -> [SpendingAccount: USD] { try await base.spending(accounts) }
    func addSpending(_ amount: USD, to accounts: [SpendingAccount], now: Date) async throws -> [SpendingAccount: USD] {
        try await base.addSpending(amount, to: accounts, now: now)
    }
    func usageJournalMark(journal: String) async throws -> UInt64 { try await base.usageJournalMark(journal: journal) }
    func usageSummary(since: Date, until: Date?, keyName: String?, by grouping: UsageGrouping) async throws -> [UsageSummary] {
        try await base.usageSummary(since: since, until: until, keyName: keyName, by: grouping)
    }
    func usage(afterID id: Int64, limit: Int) async throws -> [UsageRecord] { try await base.usage(afterID: id, limit: limit) }
    func quotaTotals() async throws -> [QuotaTotal] { try await base.quotaTotals() }
    func storeResponse(_ response: StoredResponse) async throws { try await base.storeResponse(response) }
    func storedResponse(id: String, keyID: String, now: Date) async throws -> StoredResponse? {
        try await base.storedResponse(id: id, keyID: keyID, now: now)
    }
    func deleteStoredResponse(id: String, keyID: String) async throws -> Bool {
        try await base.deleteStoredResponse(id: id, keyID: keyID)
    }
    func quotaTokens(keyID: String, periods: [String]) async throws -> [String: Int] {
        try await base.quotaTokens(keyID: keyID, periods: periods)
    }
    func addQuotaTokens(_ tokens: Int, keyID: String, periods: [String], now: Date) async throws {
        try await base.addQuotaTokens(tokens, keyID: keyID, periods: periods, now: now)
    }
    func cachedResponse(forKey cacheKey: String) async throws -> CachedResponseRecord? {
        try await base.cachedResponse(forKey: cacheKey)
    }
    func storeCachedResponse(
        _ record: CachedResponseRecord, touches: [String: Date], expiredBefore: Date, maxEntries: Int, maxBytes: Int
    ) async throws -> [String] {
        try await base.storeCachedResponse(
            record, touches: touches, expiredBefore: expiredBefore, maxEntries: maxEntries, maxBytes: maxBytes)
    }
    func removeCachedResponse(forKey cacheKey: String) async throws { try await base.removeCachedResponse(forKey: cacheKey) }
    func createCollection(_ collection: RetrievalCollection) async throws { try await base.createCollection(collection) }
    func collection(named name: String) async throws -> RetrievalCollection? { try await base.collection(named: name) }
    func collections() async throws -> [RetrievalCollection] { try await base.collections() }
    func removeCollection(named name: String) async throws -> Bool { try await base.removeCollection(named: name) }
    func sources(inCollection collection: String) async throws -> [RetrievalSource] { try await base.sources(inCollection: collection) }
    func replaceSource(_ source: RetrievalSource, chunks: [RetrievalChunk]) async throws {
        try await base.replaceSource(source, chunks: chunks)
    }
    func removeSource(path: String, inCollection collection: String) async throws -> Bool {
        try await base.removeSource(path: path, inCollection: collection)
    }
    func keywordMatches(for query: String, inCollection collection: String, limit: Int) async throws -> [(id: Int64, score: Double)] {
        try await base.keywordMatches(for: query, inCollection: collection, limit: limit)
    }
    func chunks(ids: [Int64]) async throws -> [RetrievalChunk] { try await base.chunks(ids: ids) }
    func chunks(ofSource path: String, inCollection collection: String) async throws -> [RetrievalChunk] {
        try await base.chunks(ofSource: path, inCollection: collection)
    }
    func chunkVectors(inCollection collection: String) async throws -> [(id: Int64, vector: [Float])] {
        try await base.chunkVectors(inCollection: collection)
    }
    func insertConsoleSession(_ session: ConsoleSession, now: Date) async throws {
        try await base.insertConsoleSession(session, now: now)
    }
    func consoleSession(idHash: Data) async throws -> ConsoleSession? { try await base.consoleSession(idHash: idHash) }
    func touchConsoleSession(idHash: Data, at: Date) async throws { try await base.touchConsoleSession(idHash: idHash, at: at) }
    func deleteConsoleSession(idHash: Data) async throws { try await base.deleteConsoleSession(idHash: idHash) }
}
