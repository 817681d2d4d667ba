import Logging
import SluiceCore
@testable import SluiceLlama
import Testing

/// The GGUF's Jinja template rendered by llama.cpp's `common` library, and what comes back out:
/// tools, tool calls, tool results, thinking; forced calls matching their schema.
@Suite(.serialized)
struct ChatTemplateTests {
    private func engine(_ template: TinyModels.Template = .chat) throws -> LlamaEngine {
        try LlamaEngine(
            configuration: .init(modelPath: try TinyModels.path(template), contextLength: 2048, parallel: 1, threads: 2),
            logger: Logger(label: "test"))
    }

    @Test func toolsCallsAndResultsAreRenderedByTheModelsTemplate() throws {
        let request = ChatRequest(
            model: "tiny",
            messages: [
                .user("Weather in Paris?"),
                Message(
                    role: .assistant, content: [.toolUse(ToolUse(id: "toolu_1", name: "get_weather", input: ["city": "Paris", "days": 2]))]),
                Message(
                    role: .user, content: [.toolResult(ToolResult(toolUseID: "toolu_1", content: [.text(TextContent("sunny, 21 C"))]))]),
            ],
            tools: [TestTools.weather])
        let prompt = try engine().prepare(request).rendered.prompt
        #expect(prompt.contains("<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\""))
        #expect(
            prompt.contains("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"days\": 2}}\n</tool_call>"))
        #expect(prompt.contains("<|im_start|>user\n<tool_response>\nsunny, 21 C\n</tool_response><|im_end|>"))
        #expect(prompt.hasSuffix("<|im_start|>assistant\n"))
    }

    @Test func thinkingOnOrOffChangesTheGenerationPrompt() throws {
        let engine = try engine(.think)
        var request = tinyRequest("hi")
        #expect(try engine.prepare(request).rendered.prompt.hasSuffix("<|im_start|>assistant\n<think>\n"))
        request.thinking = .disabled
        #expect(try engine.prepare(request).rendered.prompt.hasSuffix("<|im_start|>assistant\n<think>\n\n</think>\n\n"))
    }

    @Test func userTextSpellingAControlTokenStaysText() throws {
        let engine = try engine()
        let endOfTurn = try #require(engine.model.tokenize("<|im_end|>", special: true).first)
        let empty = try engine.prepare(tinyRequest("")).tokens
        let spelled = try engine.prepare(tinyRequest("<|im_end|>")).tokens
        // The user's text is its characters' tokens, not the control token that ends a turn …
        let asText = engine.model.tokenize("<|im_end|>", special: false)
        #expect(asText.count > 1)
        #expect(spelled.count - empty.count == asText.count)
        // … while the template's own end-of-turn markers stay control tokens.
        #expect(spelled.filter { $0 == endOfTurn }.count == empty.filter { $0 == endOfTurn }.count)
    }

    @Test func aForcedToolCallIsTheAnswerAndMatchesItsSchema() async throws {
        let backend = try TinyModels.backend()
        let request = ChatRequest(
            model: "tiny", messages: [.user("Weather?")], tools: [TestTools.time, TestTools.weather],
            toolChoice: .tool(name: "get_weather"), parallelToolCalls: false, maxTokens: 400)
        let events = try await collect(backend.start(request))
        let answer = try response(events)
        #expect(answer.stopReason == .toolUse)
        #expect(answer.content.count == 1)
        guard case .toolUse(let call)? = answer.content.first else {
            Issue.record("expected one tool call, got \(answer.content)")
            return
        }
        #expect(call.name == "get_weather")
        #expect(call.id.hasPrefix("toolu_"))
        #expect(call.input["city"]?.stringValue.map { $0.count <= 10 } == true)
        #expect(call.input["days"]?.intValue.map { (1...9).contains($0) } == true)
        // However the stream was cut, its argument fragments concatenate to the call's JSON.
        let fragments = events.compactMap { if case .blockDelta(.toolInput(let json)) = $0 { json } else { nil } }
        #expect(try JSONParser.parse(fragments.joined()) == call.input)
    }

    @Test func toolChoiceAnyCallsOneOfTheTools() async throws {
        let backend = try TinyModels.backend()
        let request = ChatRequest(
            model: "tiny", messages: [.user("Time or weather?")], tools: [TestTools.time, TestTools.weather], toolChoice: .any,
            parallelToolCalls: false, maxTokens: 400)
        let answer = try await complete(backend, request)
        guard case .toolUse(let call)? = answer.content.first, answer.content.count == 1 else {
            Issue.record("expected one tool call, got \(answer.content)")
            return
        }
        #expect(["get_time", "get_weather"].contains(call.name))
        if call.name == "get_time" { #expect(["UTC", "CET"].contains(call.input["zone"]?.stringValue ?? "")) }
    }

    @Test func aThinkingModelsReasoningStreamsAsAThinkingBlock() async throws {
        let backend = try TinyModels.backend(.think)
        var request = tinyRequest("think first", maxTokens: 12)
        let thinking = try await complete(backend, request)
        guard case .thinking(let block)? = thinking.content.first else {
            Issue.record("expected a thinking block, got \(thinking.content)")
            return
        }
        #expect(!block.text.isEmpty)
        #expect(!block.text.contains("<think>"))
        request.thinking = .disabled
        let plain = try await complete(backend, request)
        #expect(plain.content.allSatisfy { if case .text = $0 { true } else { false } })
        #expect(!text(of: plain).isEmpty)
    }

    @Test func aThinkingBudgetClosesTheThinkingBlockOnceSpent() async throws {
        let backend = try TinyModels.backend(.think)
        // Greedy random weights never close the block themselves: without a budget, all is thinking.
        var request = tinyRequest("think first", maxTokens: 40)
        request.thinking = .enabled(budgetTokens: nil)
        let unbounded = try await complete(backend, request)
        #expect(unbounded.content.allSatisfy { if case .thinking = $0 { true } else { false } })

        request.thinking = .enabled(budgetTokens: 8)
        let answer = try await complete(backend, request)
        guard answer.content.count == 2, case .thinking(let block) = answer.content[0], case .text(let text) = answer.content[1] else {
            Issue.record("expected thinking then text, got \(answer.content)")
            return
        }
        // Eight tokens of at most eleven characters each (the longest piece in the tiny vocabulary).
        #expect(!block.text.isEmpty && block.text.count <= 8 * 11)
        #expect(!text.text.isEmpty && !text.text.contains("</think>") && !block.text.contains("</think>"))
        #expect(answer.usage.outputTokens == 40)
    }

    @Test func aForcedCallWithThinkingOffSkipsReasoning() async throws {
        let backend = try TinyModels.backend(.think)
        let request = ChatRequest(
            model: "tiny", messages: [.user("Weather?")], tools: [TestTools.weather], toolChoice: .any, parallelToolCalls: false,
            maxTokens: 400, thinking: .disabled)
        let answer = try await complete(backend, request)
        #expect(answer.stopReason == .toolUse)
        guard case .toolUse(let call)? = answer.content.last else {
            Issue.record("expected a tool call, got \(answer.content)")
            return
        }
        #expect(call.name == "get_weather")
    }

    @Test func imagesAreRefusedClearly() async throws {
        let backend = try TinyModels.backend()
        let request = ChatRequest(
            model: "tiny", messages: [Message(role: .user, content: [.image(ImageContent(source: .url("http://x/y.png")))])])
        await #expect(throws: SluiceError.self) { _ = try await backend.start(request) }
    }
}
