import SluiceCore
import SluiceTestSupport
import Synchronization
import Testing

/// A backend that embeds every input as `[1]`, failing its first `failures` calls as overloaded.
private final class CountingEmbedder: EmbeddingBackend {
    let name: String
    private let state: Mutex<(failures: Int, models: [String])>

    init(_ name: String, failures: Int = 0) {
        self.name = name
        self.state = Mutex((failures, []))
    }

    var embeddedModels: [String] { state.withLock { $0.models } }

    func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResult {
        try state.withLock { state in
            state.models.append(request.model)
            if state.failures > 0 {
                state.failures -= 1
                throw SluiceError(.overloaded, "busy")
            }
        }
        return EmbeddingResult(model: request.model, vectors: request.inputs.map { _ in [1] }, inputTokens: request.inputs.count)
    }

    func start(_ request: ChatRequest) async throws -> EventStream { throw SluiceError.invalidRequest("embeddings only") }
    func countTokens(_ request: ChatRequest) async throws -> Int { 0 }
}

@Suite struct DispatcherEmbeddingTests {
    private let request = EmbeddingRequest(model: "embed-small", inputs: [.text("a"), .text("b")])

    @Test func routeRewritesTheModelAndBackendsThatCannotEmbedArePassedOver() async throws {
        let chat = ScriptedBackend("chat")
        let embedder = CountingEmbedder("embedder")
        let dispatcher = Dispatcher(
            routes: RouteTable(routes: [.init(match: ModelGlob("embed-*"), backends: ["chat", "embedder"], upstreamModel: "bge")]),
            targets: [.init(backend: chat, maxAttempts: 1), .init(backend: embedder, maxAttempts: 1)])

        let dispatch = try await dispatcher.embed(request)

        #expect(dispatch.backendName == "embedder")
        #expect(dispatch.result.vectors.count == 2)
        #expect(embedder.embeddedModels == ["bge"])
        #expect(chat.startedModels.isEmpty)
    }

    @Test func aNamedBackendEmbedsWhateverTheRoutesSayWithItsRetries() async throws {
        let routed = CountingEmbedder("routed")
        let named = CountingEmbedder("named", failures: 1)
        let dispatcher = Dispatcher(
            routes: RouteTable(routes: [.init(match: ModelGlob("*"), backends: ["routed"])]),
            targets: [
                .init(backend: routed, maxAttempts: 1), .init(backend: named, maxAttempts: 2),
                .init(backend: ScriptedBackend("chat"), maxAttempts: 1),
            ],
            pause: { _ in })

        let result = try await dispatcher.embed(request, backend: "named")

        #expect(result.vectors.count == 2)
        #expect(named.embeddedModels == ["embed-small", "embed-small"])
        #expect(routed.embeddedModels.isEmpty)
        await #expect(throws: SluiceError.self) { try await dispatcher.embed(request, backend: "chat") }
        await #expect(throws: SluiceError.self) { try await dispatcher.embed(request, backend: "missing") }
    }

    @Test func retriableFailuresAreRetriedThenFallBack() async throws {
        let first = CountingEmbedder("first", failures: 5)
        let second = CountingEmbedder("second")
        let dispatcher = Dispatcher(
            routes: RouteTable(routes: [.init(match: ModelGlob("*"), backends: ["first", "second"])]),
            targets: [.init(backend: first, maxAttempts: 2), .init(backend: second, maxAttempts: 2)], pause: { _ in })

        let dispatch = try await dispatcher.embed(request)

        #expect(dispatch.backendName == "second")
        #expect(first.embeddedModels.count == 2)
    }

    @Test func routeWithNoBackendThatCanEmbedIsA400NamingThem() async throws {
        let dispatcher = Dispatcher(
            routes: RouteTable(routes: [.init(match: ModelGlob("*"), backends: ["chat"])]),
            targets: [.init(backend: ScriptedBackend("chat"), maxAttempts: 1)])
        await #expect {
            _ = try await dispatcher.embed(request)
        } throws: { error in
            let error = error as? SluiceError
            return error?.httpStatus == 400 && error?.code == "model_not_supported"
                && error?.message == "model 'embed-small' is served by backends that cannot create embeddings (chat)"
        }
    }

    @Test func unroutedModelIsA404() async throws {
        let dispatcher = Dispatcher(routes: RouteTable(routes: []), targets: [])
        await #expect {
            _ = try await dispatcher.embed(request)
        } throws: { error in
            (error as? SluiceError)?.httpStatus == 404
        }
    }
}
