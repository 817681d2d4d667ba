public import Foundation
internal import Logging
internal import SluiceCore

/// Every key's rate-limit counters, shared by all policies and kept across policy reloads.
///
/// The server creates one with the database and hands it to stages through
/// ``SluiceCore/PolicyEnvironment`` under ``serviceName``:
///
/// ```swift
/// let ledger = RateLimitLedger(store: store)
/// let environment = PolicyEnvironment(services: [RateLimitLedger.serviceName: ledger])
/// ```
///
/// Per-minute limits are token buckets (see ``TokenBucket``), concurrency is a set of leased
/// slots, and daily and monthly token quotas are counted per UTC day and month in the database
/// (`token_quotas`), so a restart does not reset them; the counters hold the current period's
/// totals, loaded on a key's first request in the period, and every settlement adds to both.
///
/// On a store of its own (SQLite) the counters live in memory (``LocalRateLimitCounters``): a
/// restart forgives at most a minute. On a store shared by replicas (PostgreSQL) they live in the
/// database (``SharedRateLimitCounters``), so a limit holds across all replicas, not per replica.
///
/// Admission is all or nothing, atomic per key: a request that passes every limit takes a
/// concurrency slot and reserves its estimated tokens; one that fails any takes nothing. The
/// reservation is settled to the real usage when the request ends.
public final class RateLimitLedger: Sendable {
    /// The name under which the server registers the ledger in the policy environment.
    public static let serviceName = "rate_limit_ledger"

    /// The most output tokens a request reserves, whatever its `max_tokens`.
    ///
    /// Clients ask for far more than they use (Claude Code sends `max_tokens: 128000`); reserving
    /// it all would let one request hold a whole minute's budget. Usage above the cap is charged
    /// when the request settles, and delays the requests after it.
    public static let outputReservationCap = 4096

    private let store: (any PolicyStore)?
    private let counters: any RateLimitCounters
    private let slotLease: TimeInterval
    private let now: @Sendable () -> Date
    private let logger = Logger(label: "sluice.policy.rate_limit")

    /// - Parameters:
    ///   - store: where daily and monthly quotas are kept, and the counters when the store is
    ///     shared by several processes; `nil` keeps everything in memory.
    ///   - slotLease: how long a concurrency slot outlives a process that died holding it (the
    ///     longest a request may run).
    ///   - now: the clock, replaceable in tests.
    public init(
        store: (any PolicyStore)?, slotLease: Duration = .seconds(3600), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.counters = store?.sharedCounters.map { SharedRateLimitCounters(store: $0) } ?? LocalRateLimitCounters()
        self.slotLease = slotLease.timeInterval
        self.now = now
    }

    /// Admits a request needing about `estimate` tokens under `limits`, or says which limit refuses it.
    ///
    /// - Throws: when the quota totals or shared counters cannot be read from the database.
    func admit(keyID: String, limits: RateLimits, estimate: Int) async throws -> RateLimitDecision {
        let now = now()
        var periods: QuotaPeriods?
        var totals: (day: Int, month: Int)?
        if limits.hasQuota {
            let current = QuotaPeriods(containing: now)
            periods = current
            if counters.lastSeen(keyID)?.quota?.periods != current {
                let stored = try await store?.quotaTokens(keyID: keyID, periods: [current.day, current.month]) ?? [:]
                totals = (stored[current.day] ?? 0, stored[current.month] ?? 0)
            }
        }
        let slotLease = slotLease
        return try await counters.update(keyID) { [periods, totals] counters in
            // Another replica may have started the period already; starting it again is a no-op.
            if let periods, let totals { counters.startQuota(periods, day: totals.day, month: totals.month) }
            return counters.admit(keyID: keyID, limits: limits, estimate: estimate, periods: periods, slotLease: slotLease, now: now)
        }
    }

    /// Ends a request: frees its concurrency slot and replaces its reservation with `tokens`,
    /// which are also added to the key's quota totals in the database.
    ///
    /// Whichever replica finishes the request settles it. Shared counters take the settlement
    /// with their next write (see ``SharedRateLimitCounters``) and retry it while the database
    /// is unreachable; meanwhile the slot's lease bounds the hold.
    func settle(_ grant: RateLimitGrant, tokens: Int) async {
        let now = now()
        counters.post(grant.keyID) { $0.settle(grant, tokens: tokens, now: now) }
        guard let periods = grant.quotaPeriods, let store, tokens > 0 else { return }
        do {
            try await store.addQuotaTokens(tokens, keyID: grant.keyID, periods: [periods.day, periods.month], now: now)
        } catch {
            logger.error("could not record quota usage", metadata: ["key_id": "\(grant.keyID)", "error": "\(error)"])
        }
    }

    /// Settles a request dropped without settling (see ``RateLimitTicket``), charging `tokens`.
    func settleDropped(_ grant: RateLimitGrant, tokens: Int) {
        let now = now()
        counters.post(grant.keyID) { $0.settle(grant, tokens: tokens, now: now) }
    }
}

/// What admission decided, and the state of the key's windows for the response headers.
struct RateLimitDecision: Sendable {
    /// Set when the request was admitted; settle it exactly once.
    var grant: RateLimitGrant?
    var refusal: SluiceError?
    var requests: RateLimitWindow?
    var tokens: RateLimitWindow?
    var now: Date
}

/// One per-minute limit as the headers report it.
struct RateLimitWindow: Sendable, Hashable {
    var limit: Int
    var remaining: Int
    /// Seconds until the window is whole again.
    var secondsUntilReset: Double
}

/// What an admitted request holds until it settles.
struct RateLimitGrant: Sendable, Hashable {
    var keyID: String
    /// The lease of the concurrency slot it holds, if the key has a concurrency limit.
    var slot: Double?
    /// Tokens taken from the per-minute bucket.
    var bucketTokens: Int
    /// The request's estimated tokens, reserved against the quotas of `quotaPeriods` (the
    /// periods it started in, which its usage is charged to) when there are quotas.
    var estimate: Int
    var quotaPeriods: QuotaPeriods?
}
