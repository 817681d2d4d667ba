internal import Foundation
internal import SluiceCore

/// One key's counters: a value, so that the same code decides in memory and, encoded, in a
/// database row shared by replicas (see ``SharedRateLimitCounters``).
struct KeyCounters: Sendable, Codable, Equatable {
    var requests: TokenBucket?
    var tokens: TokenBucket?
    /// When each concurrency slot held now lapses, in seconds since 1970. A slot is a lease, not
    /// a count: one held by a process that died (and so never settled) frees itself.
    var slots: [Double] = []
    var quota: QuotaState?

    struct QuotaState: Sendable, Codable, Equatable {
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

    mutating func admit(
        keyID: String, limits: RateLimits, estimate: Int, periods: QuotaPeriods?, slotLease: TimeInterval, now: Date
    ) -> RateLimitDecision {
        var refusals: [(message: String, retryAfter: Double)] = []
        var code: String?

        let clock = now.timeIntervalSince1970
        slots.removeAll { $0 <= clock }
        if let limit = limits.concurrency, slots.count >= limit {
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
            // Distinct values, so settling removes this request's slot and no other.
            var slot: Double?
            if limits.concurrency != nil {
                var lease = clock + slotLease
                while slots.contains(lease) { lease = lease.nextUp }
                slots.append(lease)
                slot = lease
            }
            requests?.take(1)
            tokens?.take(Double(bucketCost))
            if periods != nil {
                quota?.dayReserved += estimate
                quota?.monthReserved += estimate
            }
            decision.grant = RateLimitGrant(
                keyID: keyID, slot: slot, bucketTokens: bucketCost, estimate: estimate, quotaPeriods: periods)
        }
        decision.requests = requests.map(Self.window)
        decision.tokens = tokens.map(Self.window)
        return decision
    }

    mutating func settle(_ grant: RateLimitGrant, tokens used: Int, now: Date) {
        if let slot = grant.slot, let index = slots.firstIndex(of: slot) { slots.remove(at: index) }
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
