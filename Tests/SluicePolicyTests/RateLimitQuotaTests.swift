import Foundation
import SluiceCore
import SluicePolicy
import SluiceStore
import Testing

@Suite struct RateLimitQuotaTests {
    let clock = PolicyTestClock()
    let settings: JSONValue = ["daily_tokens": 1000, "monthly_tokens": 1500]

    /// Runs one request needing `estimate` tokens through a stage over `database`; when admitted,
    /// it ends having used `used` tokens. Returns the refusal, if any.
    private func run(
        database: SQLiteStore, estimate: Int, used: Int, key: String = "key_a"
    ) async throws -> SluiceError? {
        let ledger = RateLimitLedger(store: database, now: clock.reading)
        let stage = try RateLimitStageFactory().makeStage(
            settings: JSONCursor(root: settings), environment: PolicyEnvironment(services: [RateLimitLedger.serviceName: ledger]))
        var session = stage.makeSession(for: policyContext(key: key))
        var request = ChatRequest(model: "m", messages: [.user("Summarise the report.")])
        request.maxTokens = estimate - TokenEstimate.inputTokens(of: request)
        if let refusal = try await session.prepare(&request).refusal { return refusal }
        _ = try session.process(.messageStart(id: "msg_1", model: "m", usage: Usage(inputTokens: used / 2)))
        _ = try session.process(
            .messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage(inputTokens: used / 2, outputTokens: used - used / 2)))
        await session.complete(.completed)
        return nil
    }

    @Test func dailyAndMonthlyQuotasSurviveReopeningTheDatabase() async throws {
        try await withScratchDatabasePath { path in
            // Day 1 (2025-10-09): 700 of the day's 1000 and the month's 1500.
            #expect(try await run(database: try SQLiteStore(path: path), estimate: 300, used: 700) == nil)

            // A restart: a new database handle and a new ledger remember the 700.
            let refusal = try #require(try await run(database: try SQLiteStore(path: path), estimate: 400, used: 0))
            #expect(refusal.category == .rateLimited)
            #expect(refusal.code == "insufficient_quota")
            #expect(refusal.message.contains("daily token quota of 1000"))
            // Until 2025-10-10T00:00:00Z.
            #expect(refusal.retryAfter == Double(1_760_054_400 - 1_760_000_000))
            // Another key has its own quota.
            #expect(try await run(database: try SQLiteStore(path: path), estimate: 400, used: 400, key: "key_b") == nil)

            // Day 2: the day starts afresh, the month goes on (700 + 700).
            clock.set(Date(timeIntervalSince1970: 1_760_054_400 + 3600))
            #expect(try await run(database: try SQLiteStore(path: path), estimate: 400, used: 700) == nil)

            // Day 3, after another restart: 1400 of the month's 1500 are gone.
            clock.advance(by: 86_400)
            let monthly = try #require(try await run(database: try SQLiteStore(path: path), estimate: 400, used: 0))
            #expect(monthly.message.contains("monthly token quota of 1500"))
            // Until 2025-11-01T00:00:00Z.
            #expect(monthly.retryAfter == 1_761_955_200 - clock.now.timeIntervalSince1970)

            // A new month forgives everything.
            clock.set(Date(timeIntervalSince1970: 1_761_955_200))
            #expect(try await run(database: try SQLiteStore(path: path), estimate: 400, used: 0) == nil)
        }
    }

    @Test func quotaReservationsStopConcurrentRequestsFromOverspending() async throws {
        try await withScratchDatabasePath { path in
            let ledger = RateLimitLedger(store: try SQLiteStore(path: path), now: clock.reading)
            let stage = try RateLimitStageFactory().makeStage(
                settings: JSONCursor(root: ["daily_tokens": 1000]),
                environment: PolicyEnvironment(services: [RateLimitLedger.serviceName: ledger]))
            var sessions: [any PolicySession] = []
            var admitted = 0
            for _ in 0..<5 {
                var session = stage.makeSession(for: policyContext())
                var request = ChatRequest(model: "m", messages: [.user("Hello")], maxTokens: 300)
                if try await session.prepare(&request).proceeds { admitted += 1 }
                sessions.append(session)
            }
            // Each reserves 300 and a few input tokens of 1000, before any has used a token.
            #expect(admitted == 3)
            // Settling one to what it really used frees the rest of its reservation.
            await sessions[0].complete(.failed(.upstreamFailed("down")))
            var late = stage.makeSession(for: policyContext())
            var request = ChatRequest(model: "m", messages: [.user("Hello")], maxTokens: 300)
            #expect(try await late.prepare(&request).proceeds)
        }
    }

    @Test func storeAddsUpTokensPerKeyAndPeriod() async throws {
        try await withScratchDatabasePath { path in
            let database = try SQLiteStore(path: path)
            try await database.addQuotaTokens(120, keyID: "key_a", periods: ["2025-10-09", "2025-10"])
            try await database.addQuotaTokens(30, keyID: "key_a", periods: ["2025-10-09", "2025-10"])
            try await database.addQuotaTokens(5, keyID: "key_a", periods: ["2025-10-10", "2025-10"])
            try await database.addQuotaTokens(7, keyID: "key_b", periods: ["2025-10-09"])
            let totals = try await SQLiteStore(path: path).quotaTokens(keyID: "key_a", periods: ["2025-10-09", "2025-10", "2025-09"])
            #expect(totals == ["2025-10-09": 150, "2025-10": 155, "2025-09": 0])
        }
    }
}
