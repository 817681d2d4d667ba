import Foundation
import SluiceCore
import SluicePolicy
import SluicePostgres
import SluiceTestSupport
import Testing

/// Three replicas' ledgers on one PostgreSQL database count every limit once, not three times.
@Suite struct SharedRateLimitTests {
    let clock = PolicyTestClock()

    /// Runs `body` with `count` rate-limit stages under `settings`, each with its own store
    /// handle and ledger on one fresh database, as separate replicas would have.
    private func withReplicas(
        _ count: Int, settings: JSONValue, _ body: ([any PolicyStage]) async throws -> Void
    ) async throws {
        let url = try TestPostgresCluster.shared.createDatabase()
        var stores: [PostgresStore] = []
        for _ in 0..<count { stores.append(try await PostgresStore.open(url: url, poolSize: 8)) }
        let stages = try stores.map { store in
            try RateLimitStageFactory().makeStage(
                settings: JSONCursor(root: settings),
                environment: PolicyEnvironment(services: [
                    RateLimitLedger.serviceName: RateLimitLedger(store: store, now: clock.reading)
                ]))
        }
        do {
            try await body(stages)
        } catch {
            for store in stores { await store.close() }
            throw error
        }
        for store in stores { await store.close() }
    }

    private func admit(_ stage: any PolicyStage, estimate: Int = 100) async throws -> (any PolicySession, Bool) {
        var session = stage.makeSession(for: policyContext())
        var request = ChatRequest(model: "m", messages: [.user("Hello")])
        request.maxTokens = estimate - TokenEstimate.inputTokens(of: request)
        let proceeds = try await session.prepare(&request).proceeds
        return (session, proceeds)
    }

    @Test func requestsPerMinuteAreExactAcrossReplicas() async throws {
        try await withReplicas(3, settings: ["requests_per_minute": 30]) { stages in
            // 90 requests at once, spread over the replicas, within one frozen instant.
            let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<90 { group.addTask { try await admit(stages[index % 3]).1 } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(admitted == 30)
        }
    }

    @Test func concurrencyIsExactAcrossReplicasAndFreedWhereverTheRequestEnds() async throws {
        try await withReplicas(3, settings: ["concurrency": 2]) { stages in
            var first = try await admit(stages[0])
            let second = try await admit(stages[1])
            #expect(first.1 && second.1)
            #expect(try await admit(stages[2]).1 == false)
            #expect(try await admit(stages[0]).1 == false)
            await first.0.complete(.completed)
            // Settling writes in the background; the slot is free once it has.
            var freed = false
            for _ in 0..<100 where !freed {
                try await Task.sleep(for: .milliseconds(20))
                var (session, admitted) = try await admit(stages[2])
                if admitted {
                    freed = true
                    await session.complete(.completed)
                }
            }
            #expect(freed)
            withExtendedLifetime(second) {}
        }
    }

    @Test func tokensPerMinuteAreSharedAcrossReplicas() async throws {
        try await withReplicas(2, settings: ["tokens_per_minute": 1000]) { stages in
            let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<20 { group.addTask { try await admit(stages[index % 2], estimate: 200).1 } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(admitted == 5)
        }
    }

    @Test func dailyQuotaReservationsAreSharedAcrossReplicas() async throws {
        try await withReplicas(3, settings: ["daily_tokens": 1000]) { stages in
            // Nine requests of about 300 tokens each, held in flight: 3 × 300 fit in 1000, a fourth would not.
            var sessions: [any PolicySession] = []
            for index in 0..<9 {
                let (session, admitted) = try await admit(stages[index % 3], estimate: 300)
                if admitted { sessions.append(session) }
            }
            #expect(sessions.count == 3)
        }
    }
}
