public import Foundation
internal import Logging
internal import SluiceCore
public import SluiceStore
internal import Synchronization

/// Every key's rate-limit counters, shared by all policies and kept across policy reloads.
///
/// The server creates one with the database and hands it to stages through
/// ``SluiceCore/PolicyEnvironment`` under ``serviceName``:
///
/// ```swift
/// let ledger = RateLimitLedger(database: database)
/// let environment = PolicyEnvironment(services: [RateLimitLedger.serviceName: ledger])
/// ```
///
/// Per-minute limits are token buckets held in memory (see ``TokenBucket``): a restart forgives
/// at most a minute. Daily and monthly token quotas are counted per UTC day and month in SQLite
/// (`token_quotas`), so a restart does not reset them; memory holds the current period's totals,
/// loaded on a key's first request in the period, and every settlement adds to both. Without a
/// database the quotas are counted in memory only.
///
/// Admission is all or nothing under one lock, O(1) per request: a request that passes every
/// limit takes a concurrency slot and reserves its estimated tokens; one that fails any takes
/// nothing. The reservation is settled to the real usage when the request ends.
public final class RateLimitLedger: Sendable {
    /// The name under which the server registers the ledger in the policy environment.
    public static let serviceName = "rate_limit_ledger"

    /// The most output tokens a request reserves, whatever its `max_tokens`.
    ///
    /// Clients ask for far more than they use (Claude Code sends `max_tokens: 128000`); reserving
    /// it all would let one request hold a whole minute's budget. Usage above the cap is charged
    /// when the request settles, and delays the requests after it.
    public static let outputReservationCap = 4096

    private let database: SluiceDatabase?
    private let now: @Sendable () -> Date
    private let keys = Mutex<[String: KeyState]>([:])
    private let logger = Logger(label: "sluice.policy.rate_limit")

    /// - Parameters:
    ///   - database: where daily and monthly quotas are kept; `nil` keeps them in memory.
    ///   - now: the clock, replaceable in tests.
    public init(database: SluiceDatabase?, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.now = now
    }

    /// Admits a request needing about `estimate` tokens under `limits`, or says which limit refuses it.
    ///
    /// - Throws: when the quota totals cannot be read from the database.
    func admit(keyID: String, limits: RateLimits, estimate: Int) async throws -> RateLimitDecision {
        let now = now()
        var periods: QuotaPeriods?
        if limits.hasQuota {
            let current = QuotaPeriods(containing: now)
            periods = current
            let loaded = keys.withLock { $0[keyID]?.quota?.periods == current }
            if !loaded {
                let totals = try await database?.quotaTokens(keyID: keyID, periods: [current.day, current.month]) ?? [:]
                keys.withLock { keys in
                    var state = keys[keyID] ?? KeyState()
                    state.startQuota(current, day: totals[current.day] ?? 0, month: totals[current.month] ?? 0)
                    keys[keyID] = state
                }
            }
        }
        return keys.withLock { keys in
            var state = keys[keyID] ?? KeyState()
            defer { keys[keyID] = state }
            return state.admit(keyID: keyID, limits: limits, estimate: estimate, periods: periods, now: now)
        }
    }

    /// Ends a request: frees its concurrency slot and replaces its reservation with `tokens`,
    /// which are also added to the key's quota totals in the database.
    func settle(_ grant: RateLimitGrant, tokens: Int) async {
        settleInMemory(grant, tokens: tokens)
        guard let periods = grant.quotaPeriods, let database, tokens > 0 else { return }
        do {
            try await database.addQuotaTokens(tokens, keyID: grant.keyID, periods: [periods.day, periods.month], now: now())
        } catch {
            logger.error("could not record quota usage", metadata: ["key_id": "\(grant.keyID)", "error": "\(error)"])
        }
    }

    /// The in-memory half of ``settle(_:tokens:)``; alone, for a request dropped without settling.
    func settleInMemory(_ grant: RateLimitGrant, tokens: Int) {
        let now = now()
        keys.withLock { keys in keys[grant.keyID]?.settle(grant, tokens: tokens, now: now) }
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
    var holdsSlot: Bool
    /// Tokens taken from the per-minute bucket.
    var bucketTokens: Int
    /// The request's estimated tokens, reserved against the quotas of `quotaPeriods` (the
    /// periods it started in, which its usage is charged to) when there are quotas.
    var estimate: Int
    var quotaPeriods: QuotaPeriods?
}

/// One key's counters.
private struct KeyState {
    var requests: TokenBucket?
    var tokens: TokenBucket?
    var inFlight = 0
    var quota: QuotaState?

    struct QuotaState {
        var periods: QuotaPeriods
        var dayUsed: Int
        var dayReserved = 0
        var monthUsed: Int
        var monthReserved = 0
    }

    /// Starts counting a new period from the database's totals; a month still running keeps its
    /// in-memory totals and reservations, which may be ahead of the database.
    mutating func startQuota(_ periods: QuotaPeriods, day: Int, month: Int) {
        guard quota?.periods != periods else { return }
        if var quota, quota.periods.month == periods.month {
            quota.periods = periods
            quota.dayUsed = day
            quota.dayReserved = 0
            self.quota = quota
        } else {
            quota = QuotaState(periods: periods, dayUsed: day, monthUsed: month)
        }
    }

    mutating func admit(keyID: String, limits: RateLimits, estimate: Int, periods: QuotaPeriods?, now: Date) -> RateLimitDecision {
        var refusals: [(message: String, retryAfter: Double)] = []
        var code: String?

        if let limit = limits.concurrency, inFlight >= limit {
            // When a slot frees is unknown: a second is a short, honest wait.
            refusals.append(("too many concurrent requests: this key may run \(limit) at a time", 1))
        }

        requests = Self.refilled(requests, capacity: limits.requestsPerMinute, now: now)
        if let bucket = requests, bucket.level < 1 {
            refusals.append(
                ("rate limit exceeded: \(bucket.capacity) requests per minute", bucket.secondsUntilAvailable(1)))
        }

        tokens = Self.refilled(tokens, capacity: limits.tokensPerMinute, now: now)
        // A request larger than a whole minute's budget still runs once the bucket is full; the
        // excess is charged when it settles.
        let bucketCost = tokens.map { min(estimate, $0.capacity) } ?? 0
        if let bucket = tokens, bucket.level < Double(bucketCost) {
            refusals.append(
                (
                    "rate limit exceeded: \(bucket.capacity) tokens per minute (this request needs about \(bucketCost))",
                    bucket.secondsUntilAvailable(Double(bucketCost))
                ))
        }

        if let periods, let quota {
            if let limit = limits.dailyTokens, quota.dayUsed + quota.dayReserved + estimate > limit {
                refusals.append(
                    (
                        "daily token quota of \(limit) exhausted (this request needs about \(estimate)); it resets at 00:00 UTC",
                        periods.dayEnds.timeIntervalSince(now)
                    ))
                code = "insufficient_quota"
            }
            if let limit = limits.monthlyTokens, quota.monthUsed + quota.monthReserved + estimate > limit {
                refusals.append(
                    (
                        "monthly token quota of \(limit) exhausted (this request needs about \(estimate)); it resets on the 1st at 00:00 UTC",
                        periods.monthEnds.timeIntervalSince(now)
                    ))
                code = "insufficient_quota"
            }
        }

        var decision = RateLimitDecision(now: now)
        if let first = refusals.first {
            // Name the first limit; wait until every failing one would pass.
            let wait = refusals.map(\.retryAfter).max() ?? first.retryAfter
            decision.refusal = SluiceError(.rateLimited, first.message, retryAfter: (wait * 1000).rounded(.up) / 1000, code: code)
        } else {
            let holdsSlot = limits.concurrency != nil
            if holdsSlot { inFlight += 1 }
            requests?.take(1)
            tokens?.take(Double(bucketCost))
            if periods != nil {
                quota?.dayReserved += estimate
                quota?.monthReserved += estimate
            }
            decision.grant = RateLimitGrant(
                keyID: keyID, holdsSlot: holdsSlot, bucketTokens: bucketCost, estimate: estimate, quotaPeriods: periods)
        }
        decision.requests = requests.map(Self.window)
        decision.tokens = tokens.map(Self.window)
        return decision
    }

    mutating func settle(_ grant: RateLimitGrant, tokens used: Int, now: Date) {
        if grant.holdsSlot { inFlight = max(0, inFlight - 1) }
        if grant.bucketTokens > 0 || used > 0, tokens != nil {
            tokens?.refill(to: now)
            tokens?.giveBack(Double(grant.bucketTokens - used))
        }
        guard let periods = grant.quotaPeriods, var quota else { return }
        if quota.periods.day == periods.day {
            quota.dayReserved = max(0, quota.dayReserved - grant.estimate)
            quota.dayUsed += used
        }
        if quota.periods.month == periods.month {
            quota.monthReserved = max(0, quota.monthReserved - grant.estimate)
            quota.monthUsed += used
        }
        self.quota = quota
    }

    /// The bucket brought up to `now` under `capacity`; none when there is no such limit.
    private static func refilled(_ bucket: TokenBucket?, capacity: Int?, now: Date) -> TokenBucket? {
        guard let capacity else { return nil }
        guard var bucket else { return TokenBucket(capacity: capacity, now: now) }
        bucket.refill(to: now, capacity: capacity)
        return bucket
    }

    private static func window(_ bucket: TokenBucket) -> RateLimitWindow {
        RateLimitWindow(limit: bucket.capacity, remaining: bucket.remaining, secondsUntilReset: bucket.secondsUntilFull)
    }
}
