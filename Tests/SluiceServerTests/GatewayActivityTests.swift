import Foundation
import Testing

@testable import SluiceServer

@Suite struct GatewayActivityTests {
    private func failure(_ index: Int) -> GatewayActivity.RecentError {
        GatewayActivity.RecentError(
            at: Date(), method: "POST", path: "/v1/messages/\(index)", status: 500, category: "api_error", keyName: nil,
            requestID: "req_\(index)")
    }

    @Test func theRingKeepsTheNewestErrorsNewestFirst() {
        let activity = GatewayActivity(capacity: 3)
        for index in 1...5 { activity.recordRequest(failure: failure(index)) }
        activity.recordRequest(failure: nil)
        let snapshot = activity.snapshot
        #expect(snapshot.requests == 6)
        #expect(snapshot.recentErrors.map(\.requestID) == ["req_5", "req_4", "req_3"])
    }

    @Test func beforeTheRingFillsEveryErrorIsKept() {
        let activity = GatewayActivity(capacity: 3)
        for index in 1...2 { activity.recordRequest(failure: failure(index)) }
        #expect(activity.snapshot.recentErrors.map(\.requestID) == ["req_2", "req_1"])
    }

    @Test func theCacheHitRateCountsHitsOverLookups() {
        let activity = GatewayActivity()
        #expect(activity.snapshot.cacheHitRate == nil)
        for action in ["cache:miss", "cache:hit", "cache:hit", "cache:store", "pii:EMAIL=1", "cache:hit"] {
            activity.recordPolicyAction(action)
        }
        #expect(activity.snapshot.cacheHits == 3 && activity.snapshot.cacheMisses == 1)
        #expect(activity.snapshot.cacheHitRate == 0.75)
    }
}
