public import Foundation
public import SluicePolicy

/// Everything Sluice keeps in its database: API keys, teams, usage, the audit log, and what the
/// policy stages and budgets store (``SluicePolicy/PolicyStore``, ``SluicePolicy/RetrievalStore``,
/// ``SluicePolicy/BudgetStore``). ``SQLiteStore`` serves one process on one box; the
/// PostgreSQL store (module SluicePostgres) lets several replicas act as one gateway.
///
/// Methods that cannot reach the database throw ``StoreUnavailable``, which the server answers
/// with 503 and a `retry-after`.
public protocol GatewayStore: PolicyStore, RetrievalStore, BudgetStore {
    /// Where the database is, safe to log (never a password).
    var location: String { get }

    /// The migrations opening the store applied (empty when it was already current).
    var appliedMigrations: [Migration] { get }

    /// The versions recorded in `sluice_migrations`.
    func migrationVersions() async throws -> [Int]

    /// Whether the database answers a query now (for `/readyz`).
    func isReachable() async -> Bool

    /// Lets go of connections and files; the store is unusable afterwards.
    func close() async

    // MARK: Keys (minting, rotation and checks are built on these in ``GatewayStore``'s extension)

    /// Stores a new key; a name already taken is a ``SluiceCore/SluiceError`` 400.
    func insertKey(_ key: APIKey) async throws
    /// Replaces the stored key with the same id.
    func updateKey(_ key: APIKey) async throws
    /// Every key, oldest first.
    func listKeys() async throws -> [APIKey]
    /// The key with this id, else the key with this name.
    func key(idOrName: String) async throws -> APIKey?
    /// The key whose hash or grace-window previous hash is `hash`.
    func key(hash: [UInt8]) async throws -> APIKey?
    /// Records that a key was used, rarely and without waiting (see ``LastUsedThrottle``).
    func recordUse(of key: APIKey, now: Date)
    /// Whether any key exists (an empty database gets first-run instructions).
    func hasKeys() async throws -> Bool

    // MARK: Teams (checks and the audit are built on these in ``GatewayStore``'s extension)

    /// Stores a new team; a name already taken is a ``SluiceCore/SluiceError`` 400.
    func insertTeam(_ team: Team) async throws
    /// Replaces the stored team with the same name.
    func updateTeam(_ team: Team) async throws
    func team(named name: String) async throws -> Team?
    /// Every team, by name.
    func listTeams() async throws -> [Team]
    /// Removes a team; `false` when there was none.
    func deleteTeam(named name: String) async throws -> Bool

    // MARK: Audit log

    func recordAudit(_ entry: AuditEntry) async throws
    /// The entries made at or after `since`, oldest first.
    func auditEntries(since: Date) async throws -> [AuditEntry]

    // MARK: Usage

    /// Records finished requests from segment `segment` of the usage journal `journal`, all in one
    /// transaction with the journal's mark, so a replay never counts a request twice.
    func recordUsage(_ records: [UsageRecord], journal: String, segment: UInt64) async throws
    /// The newest segment of `journal` already recorded (0 for none).
    func usageJournalMark(journal: String) async throws -> UInt64
    /// Per key and group totals from `since` until just before `until` (`nil`: now), optionally
    /// for one key, busiest first (days in order).
    func usageSummary(since: Date, until: Date?, keyName: String?, by grouping: UsageGrouping) async throws -> [UsageSummary]
    /// Usage rows with ids above `id`, in id order, at most `limit` (for `sluice db copy`).
    func usage(afterID id: Int64, limit: Int) async throws -> [UsageRecord]
    /// Every stored quota total (for `sluice db copy`).
    func quotaTotals() async throws -> [QuotaTotal]

    // MARK: Stored responses (Responses API)

    /// Keeps `response`; expired responses are removed on the way.
    func storeResponse(_ response: StoredResponse) async throws
    /// The response with `id` made by key `keyID`, unless it has expired by `now`.
    func storedResponse(id: String, keyID: String, now: Date) async throws -> StoredResponse?
    /// Removes the response with `id` made by key `keyID`; `false` when there is none.
    func deleteStoredResponse(id: String, keyID: String) async throws -> Bool

    // MARK: Console sessions (started and checked in ``GatewayStore``'s extension)

    /// Stores a new session; sessions past their lifetime at `now` are removed on the way.
    func insertConsoleSession(_ session: ConsoleSession, now: Date) async throws
    func consoleSession(idHash: Data) async throws -> ConsoleSession?
    func touchConsoleSession(idHash: Data, at: Date) async throws
    func deleteConsoleSession(idHash: Data) async throws
}

/// Tokens one key used in one quota period: a UTC day (`2025-11-21`) or month (`2025-11`).
public struct QuotaTotal: Sendable, Hashable {
    public var keyID: String
    public var period: String
    public var tokens: Int
    public var updatedAt: Date

    public init(keyID: String, period: String, tokens: Int, updatedAt: Date) {
        self.keyID = keyID
        self.period = period
        self.tokens = tokens
        self.updatedAt = updatedAt
    }
}
