import SluiceCore
import SluiceTestSupport
import Synchronization
import Testing

/// Stands in for `Task.sleep`: records the waits instead of sleeping.
private final class PauseRecorder: Sendable {
    private let recorded = Mutex<[Duration]>([])
    var pauses: [Duration] { recorded.withLock { $0 } }
    func pause(_ duration: Duration) { recorded.withLock { $0.append(duration) } }
}

@Suite struct DispatcherTests {
    private func makeDispatcher(
        _ routes: [RouteTable.Route], _ targets: [Dispatcher.Target], pauses: PauseRecorder = PauseRecorder()
    ) -> Dispatcher {
        Dispatcher(routes: RouteTable(routes: routes), targets: targets, pause: { pauses.pause($0) })
    }

    private func request(_ model: String = "claude-opus-4-1") -> ChatRequest {
        ChatRequest(model: model, messages: [.user("hi")])
    }

    private func firstEvent(of dispatch: Dispatcher.Dispatch) async throws -> StreamEvent? {
        var iterator = dispatch.events.makeAsyncIterator()
        return try await iterator.next()
    }

    @Test func firstBackendAnswersWhenItAccepts() async throws {
        let primary = ScriptedBackend("primary")
        let secondary = ScriptedBackend("secondary")
        let dispatcher = makeDispatcher(
            [.init(match: ModelGlob("*"), backends: ["primary", "secondary"])],
            [.init(backend: primary, maxAttempts: 2), .init(backend: secondary, maxAttempts: 2)])

        let dispatch = try await dispatcher.start(request())

        #expect(dispatch.backendName == "primary")
        #expect(try await firstEvent(of: dispatch) == .messageStart(id: "msg_primary", model: "claude-opus-4-1", usage: Usage()))
        #expect(primary.startedModels == ["claude-opus-4-1"])
        #expect(secondary.startedModels.isEmpty)
    }

    @Test func builtInToolsGoOnlyToBackendsThatRunThemAndAre400sElsewhere() async throws {
        let chat = ScriptedBackend("chat")
        let native = ScriptedBackend("native", runsOpenAIBuiltInTools: true)
        let dispatcher = makeDispatcher(
            [
                .init(match: ModelGlob("mixed"), backends: ["chat", "native"]),
                .init(match: ModelGlob("*"), backends: ["chat"]),
            ],
            [.init(backend: chat, maxAttempts: 1), .init(backend: native, maxAttempts: 1)])
        var withSearch = request("mixed")
        withSearch.openAIBuiltInTools = [["type": "web_search"]]

        #expect(try await dispatcher.start(withSearch).backendName == "native")
        #expect(try await dispatcher.start(request("mixed")).backendName == "chat")
        withSearch.model = "other"
        let error = try await #require(throws: SluiceError.self) { try await dispatcher.start(withSearch) }
        #expect(error.httpStatus == 400 && error.param == "tools" && error.message.contains("web_search"))
        #expect(chat.startedModels == ["mixed"])
    }

    @Test func retriableErrorIsRetriedUpToMaxAttemptsThenFallsBack() async throws {
        let primary = ScriptedBackend("primary", failures: 5, with: SluiceError(.overloaded, "busy"))
        let secondary = ScriptedBackend("secondary")
        let pauses = PauseRecorder()
        let dispatcher = makeDispatcher(
            [.init(match: ModelGlob("*"), backends: ["primary", "secondary"])],
            [.init(backend: primary, maxAttempts: 3), .init(backend: secondary, maxAttempts: 3)], pauses: pauses)

        let dispatch = try await dispatcher.start(request())

        #expect(dispatch.backendName == "secondary")
        #expect(primary.startedModels.count == 3)
        #expect(secondary.startedModels.count == 1)
        // Backoff between attempts on one backend, none before falling back.
        #expect(pauses.pauses == [.milliseconds(100), .milliseconds(200)])
    }

    @Test func retrySucceedsOnTheSameBackend() async throws {
        let primary = ScriptedBackend("primary", failures: 1, with: SluiceError.upstreamTimedOut("no answer"))
        let secondary = ScriptedBackend("secondary")
        let dispatcher = makeDispatcher(
            [.init(match: ModelGlob("*"), backends: ["primary", "secondary"])],
            [.init(backend: primary, maxAttempts: 2), .init(backend: secondary, maxAttempts: 1)])

        let dispatch = try await dispatcher.start(request())

        #expect(dispatch.backendName == "primary")
        #expect(primary.startedModels.count == 2)
        #expect(secondary.startedModels.isEmpty)
    }

    @Test func retryAfterSetsThePauseUpToOneSecond() async throws {
        let polite = ScriptedBackend("polite", failures: 1, with: SluiceError(.rateLimited, "slow down", retryAfter: 0.25))
        let pushy = ScriptedBackend("pushy", failures: 1, with: SluiceError(.rateLimited, "slow down", retryAfter: 30))
        let pauses = PauseRecorder()
        let dispatcher = makeDispatcher(
            [.init(match: ModelGlob("a"), backends: ["polite"]), .init(match: ModelGlob("b"), backends: ["pushy"])],
            [.init(backend: polite, maxAttempts: 2), .init(backend: pushy, maxAttempts: 2)], pauses: pauses)

        _ = try await dispatcher.start(request("a"))
        _ = try await dispatcher.start(request("b"))

        #expect(pauses.pauses == [.milliseconds(250), .seconds(1)])
    }

    @Test func failingPauseStopsRetrying() async throws {
        let primary = ScriptedBackend("primary", failures: 1, with: SluiceError(.overloaded, "busy"))
        let secondary = ScriptedBackend("secondary")
        let dispatcher = Dispatcher(
            routes: RouteTable(routes: [.init(match: ModelGlob("*"), backends: ["primary", "secondary"])]),
            targets: [.init(backend: primary, maxAttempts: 2), .init(backend: secondary, maxAttempts: 1)],
            pause: { _ in throw CancellationError() })

        await #expect(throws: CancellationError.self) { try await dispatcher.start(request()) }
        #expect(primary.startedModels.count == 1)
        #expect(secondary.startedModels.isEmpty)
    }

    @Test func nonRetriableErrorIsThrownAtOnceWithoutFallback() async throws {
        let refusal = SluiceError.invalidRequest("max_tokens: too large")
        let primary = ScriptedBackend("primary", failures: 1, with: refusal)
        let secondary = ScriptedBackend("secondary")
        let pauses = PauseRecorder()
        let dispatcher = makeDispatcher(
            [.init(match: ModelGlob("*"), backends: ["primary", "secondary"])],
            [.init(backend: primary, maxAttempts: 3), .init(backend: secondary, maxAttempts: 3)], pauses: pauses)

        let error = await #expect(throws: SluiceError.self) { try await dispatcher.start(request()) }

        #expect(error == refusal)
        #expect(primary.startedModels.count == 1)
        #expect(secondary.startedModels.isEmpty)
        #expect(pauses.pauses.isEmpty)
    }

    @Test func errorsOtherThanSluiceErrorAreNotRetried() async throws {
        let primary = ScriptedBackend("primary", failures: 1, with: CancellationError())
        let secondary = ScriptedBackend("secondary")
        let dispatcher = makeDispatcher(
            [.init(match: ModelGlob("*"), backends: ["primary", "secondary"])],
            [.init(backend: primary, maxAttempts: 3), .init(backend: secondary, maxAttempts: 3)])

        await #expect(throws: CancellationError.self) { try await dispatcher.start(request()) }
        #expect(primary.startedModels.count == 1)
        #expect(secondary.startedModels.isEmpty)
    }

    @Test func errorAfterEveryBackendFailedIsTheLastOne() async throws {
        let primary = ScriptedBackend("primary", failures: 9, with: SluiceError(.overloaded, "primary busy"))
        let secondary = ScriptedBackend("secondary", failures: 9, with: SluiceError.upstreamTimedOut("secondary silent"))
        let dispatcher = makeDispatcher(
            [.init(match: ModelGlob("*"), backends: ["primary", "secondary"])],
            [.init(backend: primary, maxAttempts: 2), .init(backend: secondary, maxAttempts: 2)])

        let error = await #expect(throws: SluiceError.self) { try await dispatcher.start(request()) }

        #expect(error == SluiceError.upstreamTimedOut("secondary silent"))
        #expect(primary.startedModels.count == 2)
        #expect(secondary.startedModels.count == 2)
    }

    @Test func unknownModelIsNotFound() async throws {
        let primary = ScriptedBackend("primary")
        let dispatcher = makeDispatcher(
            [.init(match: ModelGlob("claude-*"), backends: ["primary"])], [.init(backend: primary, maxAttempts: 1)])

        let started = await #expect(throws: SluiceError.self) { try await dispatcher.start(request("gpt-4o")) }
        #expect(started == SluiceError.notFound("no route for model 'gpt-4o'"))
        #expect(started?.httpStatus == 404)
        let counted = await #expect(throws: SluiceError.self) { try await dispatcher.countTokens(request("gpt-4o")) }
        #expect(counted?.category == .notFound)
        #expect(primary.startedModels.isEmpty)
        #expect(primary.countedModels.isEmpty)
    }

    @Test func routeModelRewriteReachesTheBackend() async throws {
        let vllm = ScriptedBackend("vllm", failures: 1, with: SluiceError.upstreamFailed("HTTP 503"))
        let dispatcher = makeDispatcher(
            [.init(match: ModelGlob("claude-*"), backends: ["vllm"], upstreamModel: "qwen3-coder")],
            [.init(backend: vllm, maxAttempts: 2)])

        let dispatch = try await dispatcher.start(request("claude-opus-4-1"))

        #expect(vllm.startedModels == ["qwen3-coder", "qwen3-coder"])
        #expect(try await firstEvent(of: dispatch) == .messageStart(id: "msg_vllm", model: "qwen3-coder", usage: Usage()))
    }

    @Test func routeWithoutRewriteSendsTheClientModel() async throws {
        let anthropic = ScriptedBackend("anthropic")
        let dispatcher = makeDispatcher(
            [.init(match: ModelGlob("*"), backends: ["anthropic"])], [.init(backend: anthropic, maxAttempts: 1)])
        _ = try await dispatcher.start(request("claude-haiku-4-5"))
        #expect(anthropic.startedModels == ["claude-haiku-4-5"])
    }

    @Test func countTokensAsksOnlyTheFirstBackend() async throws {
        let primary = ScriptedBackend("primary", tokens: 11)
        let secondary = ScriptedBackend("secondary", tokens: 22)
        let dispatcher = makeDispatcher(
            [.init(match: ModelGlob("*"), backends: ["primary", "secondary"], upstreamModel: "qwen3-coder")],
            [.init(backend: secondary, maxAttempts: 1), .init(backend: primary, maxAttempts: 1)])

        #expect(try await dispatcher.countTokens(request()) == 11)
        #expect(primary.countedModels == ["qwen3-coder"])
        #expect(secondary.countedModels.isEmpty)
        #expect(primary.startedModels.isEmpty)
    }

    @Test func backendsMissingFromTheTargetsAreSkipped() async throws {
        let secondary = ScriptedBackend("secondary")
        let dispatcher = makeDispatcher(
            [.init(match: ModelGlob("*"), backends: ["ghost", "secondary"])], [.init(backend: secondary, maxAttempts: 1)])

        #expect(try await dispatcher.start(request()).backendName == "secondary")
        let error = await #expect(throws: SluiceError.self) { try await dispatcher.countTokens(request()) }
        #expect(error == SluiceError.notFound("no backend configured for model 'claude-opus-4-1'"))
    }

    @Test func routeWithNoConfiguredBackendFailsAsUpstream() async throws {
        let dispatcher = makeDispatcher([.init(match: ModelGlob("*"), backends: ["ghost"])], [])
        let error = await #expect(throws: SluiceError.self) { try await dispatcher.start(request()) }
        #expect(error == SluiceError.upstreamFailed("no backend accepted the request"))
        #expect(error?.httpStatus == 502)
    }

    @Test func maxAttemptsIsAtLeastOne() async throws {
        let target = Dispatcher.Target(backend: ScriptedBackend("a"), maxAttempts: 0)
        #expect(target.maxAttempts == 1)
        let dispatcher = makeDispatcher([], [target, .init(backend: ScriptedBackend("b"), maxAttempts: -3)])
        #expect(dispatcher.backendNames == ["a", "b"])
    }
}

extension DispatcherTests {
    @Test func everyFailedAttemptIsReportedWithItsBackend() async throws {
        let primary = ScriptedBackend("primary", failures: 5, with: SluiceError(.overloaded, "busy"))
        let refusing = ScriptedBackend("refusing", failures: 1, with: SluiceError.invalidRequest("bad"))
        let failures = Mutex<[String]>([])
        let dispatcher = Dispatcher(
            routes: RouteTable(routes: [.init(match: ModelGlob("*"), backends: ["primary", "refusing"])]),
            targets: [.init(backend: primary, maxAttempts: 2), .init(backend: refusing, maxAttempts: 2)],
            pause: { _ in }, onFailure: { backend, error in failures.withLock { $0.append("\(backend):\(error.category.rawValue)") } })

        await #expect(throws: SluiceError.self) { try await dispatcher.start(ChatRequest(model: "m", messages: [.user("hi")])) }

        #expect(failures.withLock { $0 } == ["primary:overloaded_error", "primary:overloaded_error", "refusing:invalid_request_error"])
    }
}
