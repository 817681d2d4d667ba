import Logging
import MetricsTestKit
import SluiceCore
import SluiceLlama
import Testing

/// A prompt that starts like one already in the KV cache evaluates only the rest, and the usage
/// says how much was reused.
@Suite(.serialized)
struct PrefixReuseTests {
    @Test func secondTurnEvaluatesOnlyItsNewTokens() async throws {
        let backend = try TinyModels.freshBackend()
        let question = Message.user("Tell me about the weather in a city with a long name, please.")
        let first = ChatRequest(model: "tiny", messages: [question], maxTokens: 24, temperature: 0)
        let answer = try await complete(backend, first)
        let firstPrompt = try await backend.countTokens(first)
        #expect(answer.usage.cacheReadInputTokens == 0)
        #expect(answer.usage.inputTokens == firstPrompt)

        let second = ChatRequest(
            model: "tiny", messages: [question, .assistant(text(of: answer)), .user("And tomorrow?")], maxTokens: 8, temperature: 0)
        let before = backend.statistics
        let reply = try await complete(backend, second)
        let evaluated = backend.statistics.promptTokensEvaluated - before.promptTokensEvaluated
        let secondPrompt = try await backend.countTokens(second)

        #expect(reply.usage.cacheReadInputTokens >= firstPrompt)
        #expect(reply.usage.inputTokens + reply.usage.cacheReadInputTokens == secondPrompt)
        // Honest: the model evaluated exactly the tokens reported as not cached.
        #expect(evaluated == reply.usage.inputTokens)
        #expect(backend.statistics.promptTokensReused - before.promptTokensReused == reply.usage.cacheReadInputTokens)
    }

    @Test func idleCachesMoveToHostMemoryAndComeBackForTheirConversation() async throws {
        let backend = try TinyModels.freshBackend(parallel: 2)
        let question = Message.user("A conversation that others interrupt, long enough to be worth keeping around.")
        let first = ChatRequest(model: "tiny", messages: [question], maxTokens: 16, temperature: 0)
        let answer = try await complete(backend, first)
        let firstPrompt = try await backend.countTokens(first)
        // Other conversations take the sequences; the idle cache leaves the KV cache for host memory.
        for other in ["someone else entirely", "and a third person"] {
            _ = try await complete(backend, tinyRequest(other, maxTokens: 4))
        }
        #expect(backend.statistics.cachedPrompts >= 1)
        #expect(backend.statistics.cachedPromptBytes > 0)
        let second = ChatRequest(
            model: "tiny", messages: [question, .assistant(text(of: answer)), .user("Where were we?")], maxTokens: 4, temperature: 0)
        let reply = try await complete(backend, second)
        #expect(reply.usage.cacheReadInputTokens >= firstPrompt)
    }

    @Test func anIdenticalRequestEvaluatesOneToken() async throws {
        let backend = try TinyModels.freshBackend()
        let request = tinyRequest("same words twice", maxTokens: 4)
        _ = try await complete(backend, request)
        let again = try await complete(backend, request)
        let count = try await backend.countTokens(request)
        // One token is always evaluated, so there are logits to sample the answer from.
        #expect(again.usage.inputTokens == 1)
        #expect(again.usage.cacheReadInputTokens == count - 1)
    }

    @Test func aPrefixHeldByABusySequenceIsSharedWithANewRequest() async throws {
        let backend = try TinyModels.freshBackend(parallel: 2)
        let shared = String(repeating: "A shared system prompt that is long enough to matter. ", count: 6)
        let long = ChatRequest(
            model: "tiny", system: [TextContent(shared)], messages: [.user("first")], maxTokens: 3000, temperature: 0)
        let stream = try await backend.start(long)
        var iterator = stream.makeAsyncIterator()
        _ = try await iterator.next()  // message_start: the first request holds its sequence
        _ = try await iterator.next()

        let other = ChatRequest(model: "tiny", system: [TextContent(shared)], messages: [.user("second")], maxTokens: 4, temperature: 0)
        let reply = try await complete(backend, other)
        let sharedTokens = try await backend.countTokens(ChatRequest(model: "tiny", system: [TextContent(shared)], messages: [.user("")]))
        // Everything up to the user text (the last dozen tokens or so differ) came from the busy sequence's cache.
        #expect(reply.usage.cacheReadInputTokens >= sharedTokens - 16)
        withExtendedLifetime(iterator) {}
    }
}

/// The engine's metrics, through swift-metrics, say what the usage says.
struct LlamaMetricsTests {
    @Test func countersFollowEvaluationReuseAndGeneration() async throws {
        let metrics = TestMetrics()
        let backend = try LlamaBackend(
            name: "metered",
            configuration: .init(modelPath: try TinyModels.path(.chat), contextLength: 1024, parallel: 2, threads: 2),
            logger: Logger(label: "test"), metricsFactory: metrics)
        let request = tinyRequest("count me", maxTokens: 6)
        let first = try await complete(backend, request)
        let second = try await complete(backend, request)
        let backendLabel = [("backend", "metered")]
        #expect(
            metrics.counterTotal(label: "sluice_llama_prompt_tokens_evaluated_total", dimensions: backendLabel)
                == Int64(first.usage.inputTokens + second.usage.inputTokens))
        #expect(
            metrics.counterTotal(label: "sluice_llama_prompt_tokens_reused_total", dimensions: backendLabel)
                == Int64(second.usage.cacheReadInputTokens))
        #expect(metrics.counterTotal(label: "sluice_llama_generated_tokens_total", dimensions: backendLabel) == 12)
        #expect(try await eventually { (try? metrics.expectGauge("sluice_llama_busy_sequences", backendLabel).lastValue) == 0 })
        #expect(try metrics.expectGauge("sluice_llama_queue_depth", backendLabel).lastValue == 0)
    }
}
