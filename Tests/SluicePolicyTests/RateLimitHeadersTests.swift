import Foundation
import Testing

@testable import SluicePolicy

@Suite struct RateLimitHeadersTests {
    @Test(arguments: [
        (0.0, "0s"), (0.0001, "1ms"), (0.02, "20ms"), (1, "1s"), (1.5, "1.5s"), (6.25, "6.25s"), (59.999, "59.999s"),
        (60, "1m0s"), (360, "6m0s"), (3723, "1h2m3s"), (3600, "1h0m0s"), (-3, "0s"),
    ])
    func resetDurationsAreWrittenAsOpenAIWritesThem(seconds: Double, text: String) {
        #expect(RateLimitHeaders.duration(seconds: seconds) == text)
    }

    @Test func resetTimesAreRFC3339RoundedUpToTheSecond() {
        #expect(RateLimitHeaders.rfc3339(Date(timeIntervalSince1970: 1_760_000_000)) == "2025-10-09T08:53:20Z")
        #expect(RateLimitHeaders.rfc3339(Date(timeIntervalSince1970: 1_760_000_000.2)) == "2025-10-09T08:53:21Z")
    }

    @Test func everyLimitGetsBothProtocolsHeaders() {
        let now = Date(timeIntervalSince1970: 1_760_000_000)
        let headers = RateLimitHeaders.make(
            requests: RateLimitWindow(limit: 600, remaining: 599, secondsUntilReset: 0.1),
            tokens: RateLimitWindow(limit: 2_000_000, remaining: 1_998_000, secondsUntilReset: 0.06), now: now)
        #expect(
            headers.map(\.name) == [
                "anthropic-ratelimit-requests-limit", "anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-requests-reset",
                "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests",
                "anthropic-ratelimit-tokens-limit", "anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-tokens-reset",
                "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens",
            ])
        #expect(
            headers.map(\.value) == [
                "600", "599", "2025-10-09T08:53:21Z", "600", "599", "100ms",
                "2000000", "1998000", "2025-10-09T08:53:21Z", "2000000", "1998000", "60ms",
            ])
    }

    @Test func bucketRefillsContinuouslyUpToItsCapacity() {
        let start = Date(timeIntervalSince1970: 1_760_000_000)
        var bucket = TokenBucket(capacity: 60, now: start)
        bucket.take(60)
        #expect(bucket.remaining == 0)
        #expect(bucket.secondsUntilAvailable(1) == 1)
        bucket.refill(to: start.addingTimeInterval(30))
        #expect(bucket.remaining == 30)
        #expect(bucket.secondsUntilFull == 30)
        bucket.refill(to: start.addingTimeInterval(600))
        #expect(bucket.remaining == 60)
        // A lower capacity after a reload applies at once.
        bucket.refill(to: start.addingTimeInterval(600), capacity: 10)
        #expect(bucket.remaining == 10)
    }

    @Test func quotaPeriodsAreUTCDaysAndMonths() {
        // 2025-12-31T23:59:59Z
        let periods = QuotaPeriods(containing: Date(timeIntervalSince1970: 1_767_225_599))
        #expect(periods.day == "2025-12-31")
        #expect(periods.month == "2025-12")
        #expect(periods.dayEnds == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(periods.monthEnds == Date(timeIntervalSince1970: 1_767_225_600))
    }
}
