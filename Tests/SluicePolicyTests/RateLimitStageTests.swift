import Foundation
import SluiceCore
import SluicePolicy
import Testing

@Suite struct RateLimitStageTests {
    let clock = PolicyTestClock()

    private func stage(_ settings: JSONValue, ledger: RateLimitLedger? = nil) throws -> any PolicyStage {
        let ledger = ledger ?? RateLimitLedger(store: nil, now: clock.reading)
        return try RateLimitStageFactory().makeStage(
            settings: JSONCursor(root: settings),
            environment: PolicyEnvironment(services: [RateLimitLedger.serviceName: ledger]))
    }

    /// A request whose reservation is exactly `estimate` tokens (at least 100): its input
    /// estimate plus `max_tokens`, which counts up to ``RateLimitLedger/outputReservationCap``.
    private func request(estimating estimate: Int) -> ChatRequest {
        precondition(estimate >= 100)
        let short = ChatRequest(model: "claude-sonnet-4-5", messages: [.user("How far is the moon?")])
        if estimate - TokenEstimate.inputTokens(of: short) <= RateLimitLedger.outputReservationCap {
            var request = short
            request.maxTokens = estimate - TokenEstimate.inputTokens(of: short)
            return request
        }
        // A longer prompt: three bytes a token.
        let empty = ChatRequest(model: "claude-sonnet-4-5", messages: [.user("")])
        let text = String(repeating: "x", count: 3 * (estimate - 100 - TokenEstimate.inputTokens(of: empty)))
        var request = ChatRequest(model: "claude-sonnet-4-5", messages: [.user(text)], maxTokens: 100)
        request.maxTokens = estimate - TokenEstimate.inputTokens(of: request)
        return request
    }

    /// Prepares one request under `stage`; returns the session and its verdict.
    private func admit(
        _ stage: any PolicyStage, context: PolicyContext = policyContext(), estimate: Int = 100
    ) async throws -> (session: any PolicySession, verdict: PolicyVerdict) {
        var session = stage.makeSession(for: context)
        var request = request(estimating: estimate)
        let verdict = try await session.prepare(&request)
        return (session, verdict)
    }

    @Test func requestBeyondTheMinuteLimitIsRefusedUntilASlotRefills() async throws {
        let stage = try stage(["requests_per_minute": 3])
        for remaining in ["2", "1", "0"] {
            let (session, verdict) = try await admit(stage)
            #expect(verdict.proceeds)
            #expect(header("anthropic-ratelimit-requests-remaining", of: session) == remaining)
            #expect(session.actions.isEmpty)
        }

        let (refused, verdict) = try await admit(stage)
        let error = try #require(verdict.refusal)
        #expect(error.category == .rateLimited)
        #expect(error.message.contains("3 requests per minute"))
        // The bucket refills 3 a minute: one request every 20 s.
        #expect(error.retryAfter == 20)
        #expect(refused.actions == ["rate_limit:refused"])
        #expect(header("anthropic-ratelimit-requests-limit", of: refused) == "3")
        #expect(header("anthropic-ratelimit-requests-remaining", of: refused) == "0")
        // Whole again in a minute: 2025-10-09T08:53:20Z + 60 s.
        #expect(header("anthropic-ratelimit-requests-reset", of: refused) == "2025-10-09T08:54:20Z")
        #expect(header("x-ratelimit-limit-requests", of: refused) == "3")
        #expect(header("x-ratelimit-remaining-requests", of: refused) == "0")
        #expect(header("x-ratelimit-reset-requests", of: refused) == "1m0s")
        // No token limit configured: no token headers.
        #expect(header("anthropic-ratelimit-tokens-limit", of: refused) == nil)

        clock.advance(by: 19.9)
        #expect(try await admit(stage).verdict.refusal != nil)
        clock.advance(by: 0.1)
        #expect(try await admit(stage).verdict.proceeds)
    }

    @Test(arguments: [
        PolicyOutcome.completed, .abandoned, .stopped(by: "content"), .failed(.upstreamFailed("upstream closed")),
    ])
    func concurrencySlotIsFreedHoweverTheRequestEnds(outcome: PolicyOutcome) async throws {
        let stage = try stage(["concurrency": 2])
        var first = try await admit(stage)
        let second = try await admit(stage)
        #expect(first.verdict.proceeds && second.verdict.proceeds)

        let third = try await admit(stage)
        let error = try #require(third.verdict.refusal)
        #expect(error.message.contains("2 at a time"))
        #expect(error.retryAfter == 1)
        #expect(third.session.actions == ["rate_limit:refused"])

        await first.session.complete(outcome)
        #expect(try await admit(stage).verdict.proceeds)
        withExtendedLifetime(second) {}
    }

    @Test func tokenReservationSettlesToTheRealUsage() async throws {
        let stage = try stage(["tokens_per_minute": 10_000])
        var (session, verdict) = try await admit(stage, estimate: 1000)
        #expect(verdict.proceeds)
        #expect(header("anthropic-ratelimit-tokens-remaining", of: session) == "9000")
        #expect(header("x-ratelimit-remaining-tokens", of: session) == "9000")
        #expect(header("x-ratelimit-limit-tokens", of: session) == "10000")
        // 1000 tokens of a 10000-a-minute bucket refill in 6 s.
        #expect(header("x-ratelimit-reset-tokens", of: session) == "6s")

        for event in [
            StreamEvent.messageStart(id: "msg_1", model: "m", usage: Usage(inputTokens: 20, cacheReadInputTokens: 5000)),
            .blockStart(.text), .blockDelta(.text("About 384,400 km.")), .blockStop,
            .messageEnd(
                stopReason: .endTurn, stopSequence: nil, usage: Usage(inputTokens: 20, outputTokens: 100, cacheReadInputTokens: 5000)),
        ] {
            #expect(try session.process(event).events == [event])
        }
        await session.complete(.completed)

        // 120 used (cache reads do not count), and the next request reserves its own 1000.
        let next = try await admit(stage, estimate: 1000)
        #expect(header("anthropic-ratelimit-tokens-remaining", of: next.session) == "\(10_000 - 120 - 1000)")
    }

    @Test func interruptedRequestsSettleToWhatWasSeen() async throws {
        let stage = try stage(["tokens_per_minute": 10_000])
        /// Tokens left, as a 100-token probe request sees them (the probe keeps its 100).
        func remaining() async throws -> Int? {
            let probe = try await admit(stage)
            return header("anthropic-ratelimit-tokens-remaining", of: probe.session).flatMap { Int($0) }.map { $0 + 100 }
        }

        // A stream cut after its start: the input it reported, and its output at three bytes a token.
        var (cut, _) = try await admit(stage, estimate: 1000)
        _ = try cut.process(.messageStart(id: "msg_1", model: "m", usage: Usage(inputTokens: 50)))
        _ = try cut.process(.blockStart(.text))
        _ = try cut.process(.blockDelta(.text(String(repeating: "x", count: 30))))
        await cut.complete(.abandoned)
        #expect(try await remaining() == 10_000 - 60)

        // Nothing seen and the request failed: nothing charged.
        var (failed, _) = try await admit(stage, estimate: 1000)
        await failed.complete(.failed(.upstreamFailed("connection refused")))
        #expect(try await remaining() == 10_000 - 60 - 100)

        // Nothing seen and the client left: the input estimate.
        var (left, _) = try await admit(stage, estimate: 1000)
        await left.complete(.abandoned)
        let input = TokenEstimate.inputTokens(of: request(estimating: 1000))
        #expect(try await remaining() == 10_000 - 60 - 100 - 100 - input)
    }

    @Test func requestOverTheTokenLimitIsRefusedUntilEnoughRefills() async throws {
        let stage = try stage(["tokens_per_minute": 6000])
        let (holder, _) = try await admit(stage, estimate: 5000)
        let (refused, verdict) = try await admit(stage, estimate: 3000)
        let error = try #require(verdict.refusal)
        #expect(error.message.contains("6000 tokens per minute"))
        // 2000 more are needed at 100 a second.
        #expect(error.retryAfter == 20)
        #expect(header("anthropic-ratelimit-tokens-remaining", of: refused) == "1000")
        #expect(header("x-ratelimit-reset-tokens", of: refused) == "50s")
        clock.advance(by: 20)
        #expect(try await admit(stage, estimate: 3000).verdict.proceeds)
        withExtendedLifetime(holder) {}
    }

    @Test func requestLargerThanTheWholeMinuteRunsOnceTheBucketIsFull() async throws {
        let stage = try stage(["tokens_per_minute": 1000])
        var (big, verdict) = try await admit(stage, estimate: 5000)
        #expect(verdict.proceeds)
        _ = try big.process(.messageStart(id: "msg_1", model: "m", usage: Usage(inputTokens: 4000)))
        _ = try big.process(.messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage(inputTokens: 4000, outputTokens: 1000)))
        await big.complete(.completed)
        // 5000 used of 1000 a minute: the bucket owes 4000, so 100 more tokens take 4100 / 1000 minutes.
        let next = try #require(try await admit(stage, estimate: 100).verdict.refusal)
        #expect(next.retryAfter == 246)
    }

    @Test func concurrentAdmissionsCannotOverspend() async throws {
        let stage = try stage(["tokens_per_minute": 5000])
        let admitted = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<64 {
                group.addTask {
                    var session = stage.makeSession(for: policyContext())
                    let estimate = 1000 + index % 3
                    var request = self.request(estimating: estimate)
                    return try await session.prepare(&request).proceeds ? estimate : 0
                }
            }
            return try await group.reduce(into: [Int]()) { if $1 > 0 { $0.append($1) } }
        }
        // A frozen clock refills nothing: what was admitted fits in 5000, and nothing more would.
        #expect(admitted.reduce(0, +) <= 5000)
        #expect(admitted.count >= 4)
    }

    @Test func perKeyOverridesWinOverThePolicy() async throws {
        let stage = try stage(["requests_per_minute": 100, "concurrency": 1])
        let strict = policyContext(key: "key_strict", limits: KeyLimits(requestsPerMinute: 1, concurrency: 5))
        let first = try await admit(stage, context: strict)
        #expect(header("anthropic-ratelimit-requests-limit", of: first.session) == "1")
        // The key's concurrency of 5 replaces the policy's 1, so only its rpm refuses this one.
        let second = try #require(try await admit(stage, context: strict).verdict.refusal)
        #expect(second.message.contains("1 requests per minute"))

        let other = try await admit(stage, context: policyContext(key: "key_other"))
        #expect(other.verdict.proceeds)
        #expect(header("anthropic-ratelimit-requests-limit", of: other.session) == "100")

        // An override of 0 lifts the limit for that key.
        let lifted = policyContext(key: "key_free", limits: KeyLimits(requestsPerMinute: 0, concurrency: 0))
        var sessions: [any PolicySession] = []
        for _ in 0..<3 {
            let (session, verdict) = try await admit(stage, context: lifted)
            #expect(verdict.proceeds)
            #expect(header("anthropic-ratelimit-requests-limit", of: session) == nil)
            sessions.append(session)
        }
        withExtendedLifetime((first, sessions)) {}
    }

    @Test func keysAreCountedApart() async throws {
        let stage = try stage(["requests_per_minute": 1])
        #expect(try await admit(stage, context: policyContext(key: "key_a")).verdict.proceeds)
        #expect(try await admit(stage, context: policyContext(key: "key_b")).verdict.proceeds)
        #expect(try await admit(stage, context: policyContext(key: "key_a")).verdict.refusal != nil)
    }

    @Test func countersSurviveAPolicyReload() async throws {
        let ledger = RateLimitLedger(store: nil, now: clock.reading)
        #expect(try await admit(try stage(["requests_per_minute": 1], ledger: ledger)).verdict.proceeds)
        // The reloaded policy builds a new stage over the same ledger.
        #expect(try await admit(try stage(["requests_per_minute": 1], ledger: ledger)).verdict.refusal != nil)
    }

    @Test func withoutALedgerTheStageCountsInMemory() async throws {
        let stage = try RateLimitStageFactory().makeStage(
            settings: JSONCursor(root: ["requests_per_minute": 1]), environment: PolicyEnvironment())
        #expect(try await admit(stage).verdict.proceeds)
        #expect(try await admit(stage).verdict.refusal != nil)
    }

    @Test(arguments: [["requests_per_minute": nil, "tokens_per_minute": nil, "concurrency": nil] as JSONValue, [:], nil])
    func noLimitsMeansNoHeadersAndNoRefusal(settings: JSONValue) async throws {
        let stage = try stage(settings)
        for _ in 0..<5 {
            let (session, verdict) = try await admit(stage)
            #expect(verdict.proceeds)
            #expect(session.responseHeaders.isEmpty)
        }
    }

    static let invalidSettings: [(JSONValue, String)] = [
        (["requests_per_minute": -1], "requests_per_minute: expected a positive integer or null"),
        (["tokens_per_minute": "lots"], "tokens_per_minute: expected a positive integer or null"),
        (["concurency": 4], "concurency: unknown setting"),
        (["daily_tokens": .number("1.5")], "daily_tokens: expected a positive integer or null"),
        ([1, 2], "expected a mapping"),
    ]

    @Test(arguments: invalidSettings)
    func invalidSettingsNameTheField(settings: JSONValue, message: String) throws {
        let error = try #require(throws: SluiceError.self) {
            try RateLimitStageFactory().makeStage(settings: JSONCursor(root: settings), environment: PolicyEnvironment())
        }
        #expect(error.category == .invalidRequest)
        #expect(error.message.hasPrefix(message))
    }

    @Test func defaultPolicySettingsAreAccepted() throws {
        let settings: JSONValue = [
            "requests_per_minute": 600, "tokens_per_minute": 2_000_000, "concurrency": 32, "daily_tokens": nil,
            "monthly_tokens": nil,
        ]
        #expect(
            try RateLimitStageFactory().makeStage(settings: JSONCursor(root: settings), environment: PolicyEnvironment()).name
                == "rate_limit")
    }
}
