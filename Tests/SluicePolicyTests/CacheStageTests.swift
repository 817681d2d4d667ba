import Foundation
import SluiceCore
import SluicePolicy
import SluiceStore
import Testing

/// A cache stage over a `ResponseCache`, and the request cycles the tests drive through it.
struct CacheHarness {
    let cache: ResponseCache
    let stage: any PolicyStage

    init(cache: ResponseCache, settings: JSONValue = ["enabled": true]) throws {
        self.cache = cache
        stage = try CacheStageFactory().makeStage(
            settings: JSONCursor(root: settings), environment: PolicyEnvironment(services: [ResponseCache.serviceName: cache]))
    }

    /// Prepares `request`; on a miss, answers with `response`'s events and ends with `outcome`.
    /// Returns the session (for its headers and actions) and the cached answer, if it was a hit.
    @discardableResult
    func run(
        _ request: ChatRequest, context: PolicyContext = policyContext(), answer response: ChatResponse? = nil,
        events: [StreamEvent]? = nil, outcome: PolicyOutcome = .completed
    ) async throws -> (session: any PolicySession, hit: ChatResponse?) {
        var session = stage.makeSession(for: context)
        var request = request
        let verdict = try await session.prepare(&request)
        if let hit = verdict.answer {
            await session.complete(.completed)
            return (session, hit)
        }
        #expect(verdict.proceeds)
        for event in events ?? response?.events ?? [] {
            #expect(try session.process(event).events == [event])
        }
        await session.complete(outcome)
        return (session, nil)
    }
}

enum CacheFixtures {
    static func request(_ text: String = "What is the capital of France?") -> ChatRequest {
        ChatRequest(
            model: "claude-sonnet-4-5", system: [TextContent("You are terse.")], messages: [.user(text)], maxTokens: 1024,
            temperature: 0)
    }

    static func text(_ text: String = "Paris.") -> ChatResponse {
        ChatResponse(
            id: "msg_stored", model: "claude-sonnet-4-5-20250929", content: [.text(TextContent(text))], stopReason: .endTurn,
            usage: Usage(inputTokens: 21, outputTokens: 4, cacheReadInputTokens: 7))
    }

    static let thinking = ChatResponse(
        id: "msg_stored", model: "claude-opus-4-1",
        content: [
            .thinking(Thinking("The user wants the capital.\nIt is Paris.", signature: "EqQBCkYIBxgCKkBsig==")),
            .text(TextContent("Paris.")),
        ],
        stopReason: .endTurn, usage: Usage(inputTokens: 30, outputTokens: 41))

    static let toolUse = ChatResponse(
        id: "msg_stored", model: "gpt-4.1",
        content: [
            .text(TextContent("Let me read it.")),
            .toolUse(
                ToolUse(id: "toolu_01", name: "Read", input: ["path": "/tmp/x \"quoted\"", "lines": [1, 20], "opts": ["deep": true]])),
        ],
        stopReason: .toolUse, stopSequence: nil, usage: Usage(inputTokens: 300, outputTokens: 25, cacheCreationInputTokens: 100))

    static let stopSequence = ChatResponse(
        id: "msg_stored", model: "m", content: [.text(TextContent("1, 2, 3"))], stopReason: .stopSequence, stopSequence: "4",
        usage: Usage(inputTokens: 10, outputTokens: 5))
}

@Suite struct CacheStageTests {
    let clock = PolicyTestClock()

    private func accumulate(_ events: [StreamEvent]) throws -> ChatResponse {
        var accumulator = ResponseAccumulator()
        for event in events { try accumulator.consume(event) }
        return try accumulator.response()
    }

    @Test(arguments: [CacheFixtures.text(), CacheFixtures.thinking, CacheFixtures.toolUse, CacheFixtures.stopSequence])
    func missStoresAndTheNextRequestHitsTheSameResponse(response: ChatResponse) async throws {
        let harness = try CacheHarness(cache: ResponseCache(store: nil, now: clock.reading))

        let miss = try await harness.run(CacheFixtures.request(), answer: response)
        #expect(miss.hit == nil)
        #expect(header("x-sluice-cache", of: miss.session) == "miss")
        #expect(miss.session.actions == ["cache:miss", "cache:store"])

        // Streaming or not, the same entry answers.
        var streaming = CacheFixtures.request()
        streaming.stream = true
        let hit = try await harness.run(streaming)
        let answer = try #require(hit.hit)
        #expect(header("x-sluice-cache", of: hit.session) == "hit")
        #expect(hit.session.actions == ["cache:hit"])
        #expect(answer.id.hasPrefix("msg_") && answer.id != response.id)
        var expected = response
        expected.id = answer.id
        #expect(answer == expected)
        // Replayed as a stream, the hit folds back into the same response.
        #expect(try accumulate(answer.events) == answer)
    }

    @Test func toolArgumentsArrivingInFragmentsAreStoredWhole() async throws {
        let harness = try CacheHarness(cache: ResponseCache(store: nil, now: clock.reading))
        let events: [StreamEvent] = [
            .messageStart(id: "msg_1", model: "m", usage: Usage(inputTokens: 9)),
            .blockStart(.toolUse(id: "toolu_9", name: "Bash")),
            .blockDelta(.toolInput(partialJSON: #"{"comm"#)),
            .blockDelta(.toolInput(partialJSON: #"and":"ls -la"}"#)),
            .blockStop,
            .messageEnd(stopReason: .toolUse, stopSequence: nil, usage: Usage(inputTokens: 9, outputTokens: 12)),
        ]
        try await harness.run(CacheFixtures.request(), events: events)
        let hit = try #require(try await harness.run(CacheFixtures.request()).hit)
        #expect(hit.content == [.toolUse(ToolUse(id: "toolu_9", name: "Bash", input: ["command": "ls -la"]))])
        #expect(hit.usage == Usage(inputTokens: 9, outputTokens: 12))
    }

    static let unstorable: [(String, PolicyOutcome, ChatResponse)] = [
        ("abandoned", .abandoned, CacheFixtures.text()),
        ("stopped by a stage", .stopped(by: "content"), CacheFixtures.text()),
        ("failed", .failed(.upstreamFailed("upstream reset")), CacheFixtures.text()),
        (
            "a refusal",
            .completed,
            ChatResponse(
                id: "msg_r", model: "m", content: [.text(TextContent("I can't help with that."))], stopReason: .refusal, usage: Usage())
        ),
    ]

    @Test(arguments: unstorable)
    func onlyCompleteCleanResponsesAreStored(_ name: String, outcome: PolicyOutcome, response: ChatResponse) async throws {
        let harness = try CacheHarness(cache: ResponseCache(store: nil, now: clock.reading))
        let first = try await harness.run(CacheFixtures.request(), answer: response, outcome: outcome)
        #expect(first.session.actions == ["cache:miss"], "\(name)")
        #expect(try await harness.run(CacheFixtures.request()).hit == nil, "\(name)")
    }

    @Test func streamThatNeverEndsIsNotStored() async throws {
        let harness = try CacheHarness(cache: ResponseCache(store: nil, now: clock.reading))
        let events = Array(CacheFixtures.text().events.dropLast())
        let first = try await harness.run(CacheFixtures.request(), events: events, outcome: .completed)
        #expect(first.session.actions == ["cache:miss"])
        #expect(try await harness.run(CacheFixtures.request()).hit == nil)
    }

    @Test func keyScopeKeepsKeysApartAndSharedScopeDoesNot() async throws {
        let cache = ResponseCache(store: nil, now: clock.reading)
        let perKey = try CacheHarness(cache: cache, settings: ["scope": "key"])
        try await perKey.run(CacheFixtures.request(), context: policyContext(key: "key_a"), answer: CacheFixtures.text())
        #expect(try await perKey.run(CacheFixtures.request(), context: policyContext(key: "key_a")).hit != nil)
        #expect(
            try await perKey.run(CacheFixtures.request(), context: policyContext(key: "key_b"), answer: CacheFixtures.text("Paris!")).hit
                == nil)
        #expect(
            try await perKey.run(CacheFixtures.request(), context: policyContext(key: "key_b")).hit?.content == [
                .text(TextContent("Paris!"))
            ])

        let shared = try CacheHarness(cache: cache, settings: ["scope": "shared"])
        try await shared.run(CacheFixtures.request(), context: policyContext(key: "key_a"), answer: CacheFixtures.text("Shared Paris."))
        let other = try await shared.run(CacheFixtures.request(), context: policyContext(key: "key_c"))
        #expect(other.hit?.content == [.text(TextContent("Shared Paris."))])
    }

    @Test func bypassSkipsTheLookupButStoresTheFreshAnswer() async throws {
        let harness = try CacheHarness(cache: ResponseCache(store: nil, now: clock.reading))
        try await harness.run(CacheFixtures.request(), answer: CacheFixtures.text("Old."))

        let bypass = try await harness.run(
            CacheFixtures.request(), context: policyContext(bypassCache: true), answer: CacheFixtures.text("Fresh."))
        #expect(bypass.hit == nil)
        #expect(header("x-sluice-cache", of: bypass.session) == "bypass")
        #expect(bypass.session.actions == ["cache:bypass", "cache:store"])

        #expect(try await harness.run(CacheFixtures.request()).hit?.content == [.text(TextContent("Fresh."))])
    }

    @Test func disabledStageDoesNothingAndSaysNothing() async throws {
        let cache = ResponseCache(store: nil, now: clock.reading)
        let disabled = try CacheHarness(cache: cache, settings: ["enabled": false])
        let enabled = try CacheHarness(cache: cache)
        try await enabled.run(CacheFixtures.request(), answer: CacheFixtures.text())

        let run = try await disabled.run(CacheFixtures.request(), answer: CacheFixtures.text("Other."))
        #expect(run.hit == nil)
        #expect(run.session.responseHeaders.isEmpty)
        #expect(run.session.actions.isEmpty)
        // Nor did it store the other answer.
        #expect(try await enabled.run(CacheFixtures.request()).hit?.content == [.text(TextContent("Paris."))])
    }

    @Test func entriesExpireAfterTheirTTL() async throws {
        try await withScratchDatabasePath { path in
            let harness = try CacheHarness(
                cache: ResponseCache(store: try SQLiteStore(path: path), now: clock.reading), settings: ["ttl": "10m"])
            try await harness.run(CacheFixtures.request(), answer: CacheFixtures.text())
            clock.advance(by: 9 * 60)
            #expect(try await harness.run(CacheFixtures.request()).hit != nil)
            clock.advance(by: 61)
            #expect(try await harness.run(CacheFixtures.request()).hit == nil)
            // The database copy is as stale as the one in memory.
            let reopened = try CacheHarness(
                cache: ResponseCache(store: try SQLiteStore(path: path), now: clock.reading), settings: ["ttl": "10m"])
            #expect(try await reopened.run(CacheFixtures.request()).hit == nil)
            // A longer ttl in a reloaded policy applies to entries already stored.
            let longer = try CacheHarness(
                cache: ResponseCache(store: try SQLiteStore(path: path), now: clock.reading), settings: ["ttl": "1h"])
            #expect(try await longer.run(CacheFixtures.request()).hit != nil)
        }
    }

    @Test func entriesSurviveReopeningTheDatabase() async throws {
        try await withScratchDatabasePath { path in
            let first = try CacheHarness(cache: ResponseCache(store: try SQLiteStore(path: path), now: clock.reading))
            try await first.run(CacheFixtures.request(), answer: CacheFixtures.thinking)

            let second = try CacheHarness(cache: ResponseCache(store: try SQLiteStore(path: path), now: clock.reading))
            let hit = try #require(try await second.run(CacheFixtures.request()).hit)
            #expect(hit.content == CacheFixtures.thinking.content)
            #expect(hit.usage == CacheFixtures.thinking.usage)
            #expect(hit.model == CacheFixtures.thinking.model)
        }
    }

    static let invalidSettings: [(String, JSONValue, String)] = [
        ("ttl", "soon", "ttl: expected a positive duration"),
        ("ttl", "0s", "ttl: expected a positive duration"),
        ("scope", "global", "scope: expected 'key' or 'shared'"),
        ("max_entries", 0, "max_entries: expected a positive integer"),
        ("max_bytes", "big", "max_bytes: expected a positive integer"),
        ("enabled", "yes", "enabled: expected a boolean"),
        ("max_entry", 5, "max_entry: unknown setting"),
    ]

    @Test(arguments: invalidSettings)
    func invalidSettingsNameTheField(field: String, value: JSONValue, message: String) throws {
        let error = try #require(throws: SluiceError.self) {
            try CacheStageFactory().makeStage(settings: JSONCursor(root: .object([field: value])), environment: PolicyEnvironment())
        }
        #expect(error.category == .invalidRequest)
        #expect(error.message.hasPrefix(message))
    }

    @Test func sectionMustBeAMappingAndMayBeEmpty() async throws {
        let error = try #require(throws: SluiceError.self) {
            try CacheStageFactory().makeStage(settings: JSONCursor(root: "on"), environment: PolicyEnvironment())
        }
        #expect(error.message == "expected a mapping")
        // `cache:` with nothing under it: listed stages run with the defaults.
        let harness = try CacheHarness(cache: ResponseCache(store: nil, now: clock.reading), settings: nil)
        try await harness.run(CacheFixtures.request(), answer: CacheFixtures.text())
        #expect(try await harness.run(CacheFixtures.request()).hit != nil)
    }

    @Test func defaultPolicySettingsAreAccepted() throws {
        let settings: JSONValue = ["enabled": false, "scope": "key", "ttl": "1h", "max_entries": 10000, "max_bytes": 268_435_456]
        #expect(try CacheStageFactory().makeStage(settings: JSONCursor(root: settings), environment: PolicyEnvironment()).name == "cache")
    }
}
