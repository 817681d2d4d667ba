import MetricsTestKit
import SluiceCore
import Testing

@testable import SluiceRemote

@Suite struct ReplicaPoolTests {
    static let urls = ["http://a:8000/v1", "http://b:8000/v1", "http://c:8000/v1"]

    static func pool(_ configure: (inout ReplicaPool.Settings) -> Void = { _ in }) -> ReplicaPool {
        var settings = ReplicaPool.Settings()
        configure(&settings)
        return ReplicaPool(backendName: "qwen", urls: urls, settings: settings, metricsFactory: TestMetrics())
    }

    static func session(_ name: String) -> UInt64 {
        ChatRequest(model: "m", messages: [.user("hi")], user: name).affinityHash
    }

    @Test func aSessionKeepsToOneReplicaAndSessionsSpreadOverAll() throws {
        let pool = Self.pool()
        var firstChoices: [Int: Int] = [:]
        for number in 0..<300 {
            let session = Self.session("session-\(number)")
            let first = try pool.ranking(affinity: session)[0]
            #expect(try pool.ranking(affinity: session)[0] == first)
            firstChoices[first, default: 0] += 1
        }
        // Rendezvous hashing: about a third each.
        #expect(firstChoices.count == 3)
        #expect(firstChoices.values.allSatisfy { (70...130).contains($0) })
    }

    @Test func removingAReplicaMovesOnlyItsOwnSessions() throws {
        let three = Self.pool()
        let two = ReplicaPool(backendName: "qwen", urls: Array(Self.urls.prefix(2)), metricsFactory: TestMetrics())
        for number in 0..<200 {
            let session = Self.session("s\(number)")
            let before = try three.ranking(affinity: session)[0]
            if before < 2 { #expect(try two.ranking(affinity: session)[0] == before) }
        }
    }

    @Test func theSessionHashIsTheUserElseTheConversationStart() {
        let first = ChatRequest(model: "m", system: [TextContent("sys")], messages: [.user("task")])
        var later = first
        later.messages += [.assistant("ok"), .user("next")]
        #expect(first.affinityHash == later.affinityHash)
        var other = first
        other.messages[0] = .user("another task")
        #expect(other.affinityHash != first.affinityHash)
        var named = first
        named.user = "alice"
        #expect(named.affinityHash != first.affinityHash)
    }

    @Test func aLoadedReplicaShedsNewRequestsToTheNextChoice() throws {
        let pool = Self.pool()
        let session = Self.session("hot")
        let favourite = try pool.ranking(affinity: session)[0]
        var leases: [ReplicaLease] = []
        var placed: [Int] = []
        for _ in 0..<9 {
            let index = try pool.ranking(affinity: session)[0]
            placed.append(index)
            leases.append(pool.lease(index))
        }
        #expect(placed[0] == favourite)
        #expect(Set(placed).count == 3, "nine concurrent requests of one session spill over all three replicas")
        #expect(placed.filter { $0 == favourite }.count >= 3)
        leases.removeAll()
        #expect(try pool.ranking(affinity: session)[0] == favourite, "released leases bring the session home")
    }

    @Test func aFewConcurrentRequestsOfASessionStayOnItsReplica() throws {
        // At quiet times the average load is a fraction of a request: without a floor, one
        // request still outstanding (a subagent's, or one whose lease is not yet released) would
        // move the session's next request, and its prefix cache with it.
        let pool = Self.pool()
        let session = Self.session("quiet")
        let favourite = try pool.ranking(affinity: session)[0]
        var leases: [ReplicaLease] = []
        for _ in 0..<4 {
            #expect(try pool.ranking(affinity: session)[0] == favourite)
            leases.append(pool.lease(favourite))
        }
        #expect(try pool.ranking(affinity: session)[0] != favourite, "the fifth concurrent request spills over")
    }

    @Test func leastOutstandingAvoidsTheBusyReplicaAndRoundRobinTakesTurns() throws {
        let least = Self.pool { $0.sessionAffinity = false }
        let busy = least.lease(0)
        for _ in 0..<6 { #expect(try least.ranking(affinity: nil)[0] != 0) }
        _ = busy
        let turns = Self.pool {
            $0.sessionAffinity = false
            $0.balance = .roundRobin
        }
        let firsts = try (0..<6).map { _ in try turns.ranking(affinity: nil)[0] }
        #expect(Set(firsts) == [0, 1, 2] && firsts[0] != firsts[1])
    }

    @Test func repeatedFailuresEjectForAGrowingIntervalAndASuccessRestores() throws {
        let pool = Self.pool()
        let now = ContinuousClock.now
        for _ in 0..<2 { pool.recordFailure(1, now: now) }
        #expect(pool.unavailableReplicas(now: now).isEmpty)
        pool.recordFailure(1, now: now)
        #expect(pool.unavailableReplicas(now: now) == [Self.urls[1]])
        #expect(try !pool.ranking(affinity: 7, now: now).contains(1))
        // Back after two seconds, and out again at its first failure, for four.
        let later = now + .seconds(2)
        #expect(try pool.ranking(affinity: 7, now: later).contains(1))
        pool.recordFailure(1, now: later)
        #expect(pool.unavailableReplicas(now: later + .seconds(3)) == [Self.urls[1]])
        #expect(pool.unavailableReplicas(now: later + .seconds(4)).isEmpty)
        pool.recordSuccess(1)
        pool.recordFailure(1, now: later + .seconds(4))
        #expect(pool.unavailableReplicas(now: later + .seconds(4)).isEmpty, "a success clears the record")
    }

    @Test func everyReplicaOutIsA503WithRetryAfter() throws {
        let pool = Self.pool()
        let now = ContinuousClock.now
        for index in 0..<3 { for _ in 0..<3 { pool.recordFailure(index, now: now) } }
        let error = try #require(throws: SluiceError.self) { try pool.ranking(affinity: nil, now: now) }
        #expect(error.httpStatus == 503 && error.retryAfter == 2)
    }

    @Test func aPoolOfOneIsNeverEjected() throws {
        let pool = ReplicaPool(backendName: "one", urls: ["http://a/v1"], metricsFactory: TestMetrics())
        for _ in 0..<10 { pool.recordFailure(0) }
        #expect(try pool.ranking(affinity: nil) == [0])
    }

    @Test func aFailingHealthCheckLeavesAReplicaOutUntilItPasses() throws {
        let pool = Self.pool()
        pool.recordHealthCheck(replica: 2, passed: false)
        #expect(try !pool.ranking(affinity: 1).contains(2))
        pool.recordHealthCheck(replica: 2, passed: true)
        #expect(try pool.ranking(affinity: 1).contains(2))
    }
}
