import SluiceCore
import SluiceTestSupport
import Testing

/// A backend that reports upstream headers, as the Anthropic one does.
private struct HeaderReportingBackend: Backend {
    let name = "anthropic"
    let headers: [HeaderField]

    func start(_ request: ChatRequest) async throws -> EventStream {
        EventStream(events: scriptedAnswer("hi", model: request.model))
    }

    func respond(to request: ChatRequest) async throws -> BackendResponse {
        BackendResponse(events: try await start(request), anthropicHeaders: headers)
    }

    func countTokens(_ request: ChatRequest) async throws -> Int { 0 }
}

@Suite struct DispatcherUpstreamHeadersTests {
    private func request(_ model: String) -> ChatRequest {
        ChatRequest(model: model, messages: [.user("hi")])
    }

    @Test func theBackendsHeadersReachTheDispatch() async throws {
        let headers = [HeaderField(name: "anthropic-ratelimit-unified-status", value: "allowed")]
        let dispatcher = Dispatcher(
            routes: RouteTable(routes: [.init(match: ModelGlob("*"), backends: ["anthropic"])]),
            targets: [.init(backend: HeaderReportingBackend(headers: headers), maxAttempts: 1)])
        #expect(try await dispatcher.start(request("claude-x")).anthropicHeaders == headers)
    }

    @Test func aBackendWithoutHeadersReportsNone() async throws {
        let dispatcher = Dispatcher(
            routes: RouteTable(routes: [.init(match: ModelGlob("*"), backends: ["plain"])]),
            targets: [.init(backend: ScriptedBackend("plain"), maxAttempts: 1)])
        #expect(try await dispatcher.start(request("m")).anthropicHeaders.isEmpty)
    }

    @Test func anAdvertisedIdGoesUpstreamAsTheRoutesLiteralMatch() async throws {
        let backend = ScriptedBackend("vllm")
        let dispatcher = Dispatcher(
            routes: RouteTable(routes: [.init(match: ModelGlob("qwen3-coder"), backends: ["vllm"], advertisedAs: "claude-local-qwen")]),
            targets: [.init(backend: backend, maxAttempts: 1)])
        _ = try await dispatcher.start(request("claude-local-qwen"))
        _ = try await dispatcher.start(request("qwen3-coder"))
        #expect(backend.startedModels == ["qwen3-coder", "qwen3-coder"])
    }
}
