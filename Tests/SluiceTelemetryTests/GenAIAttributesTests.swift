import SluiceConfig
import SluiceCore
import SluiceTelemetry
import Testing
import Tracing

@Suite struct GenAIAttributesTests {
    @Test func theRequestSpanNamesTheCallerTheModelAndTheClaudeCodeSession() {
        let attributes = GenAIAttributes.request(
            operation: .chat, model: "claude-sonnet", session: ClientSession(sessionID: "s-1", agentID: "a-2", parentAgentID: "a-1"),
            caller: "alice", policyName: "default", gatewayRequestID: "req_1")
        #expect(attributes.get("gen_ai.operation.name") == .string("chat"))
        #expect(attributes.get("gen_ai.request.model") == .string("claude-sonnet"))
        #expect(attributes.get("sluice.key.name") == .string("alice"))
        #expect(attributes.get("sluice.policy") == .string("default"))
        #expect(attributes.get("session.id") == .string("s-1"))
        #expect(attributes.get("gen_ai.agent.id") == .string("a-2"))
        #expect(attributes.get("sluice.parent_agent.id") == .string("a-1"))
    }

    @Test func requestParametersAreNamedAsTheConventionNamesThem() {
        var request = ChatRequest(model: "m", messages: [.user("hi")], maxTokens: 256, temperature: 0.5, topP: 0.9, stream: true)
        request.seed = 7
        let attributes = GenAIAttributes.parameters(of: request)
        #expect(attributes.get("gen_ai.request.max_tokens") == .int64(256))
        #expect(attributes.get("gen_ai.request.temperature") == .double(0.5))
        #expect(attributes.get("gen_ai.request.top_p") == .double(0.9))
        #expect(attributes.get("gen_ai.request.seed") == .int64(7))
        #expect(attributes.get("sluice.stream") == .bool(true))
        #expect(attributes.get("gen_ai.request.top_k") == nil)
    }

    @Test func theResponseCountsCachedInputAndMapsTheStopReason() {
        let attributes = GenAIAttributes.response(
            model: "m-2024", id: "msg_1", usage: Usage(inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 90),
            stopReason: .maxTokens, operation: .chat)
        #expect(attributes.get("gen_ai.response.model") == .string("m-2024"))
        #expect(attributes.get("gen_ai.usage.input_tokens") == .int64(100))
        #expect(attributes.get("gen_ai.usage.output_tokens") == .int64(5))
        #expect(attributes.get("gen_ai.usage.cache_read.input_tokens") == .int64(90))
        #expect(attributes.get("gen_ai.response.finish_reasons") == .stringArray(["length"]))
    }

    @Test func embeddingsHaveNoOutputTokens() {
        let attributes = GenAIAttributes.response(
            model: nil, id: nil, usage: Usage(inputTokens: 12), stopReason: nil, operation: .embeddings)
        #expect(attributes.get("gen_ai.usage.input_tokens") == .int64(12))
        #expect(attributes.get("gen_ai.usage.output_tokens") == nil)
    }

    @Test func contentIsTheConventionsJSONWithRolesAndParts() throws {
        let request = ChatRequest(model: "m", system: [TextContent("be brief")], messages: [.user("what is 2+2")])
        let input = GenAIAttributes.inputContent(of: request)
        #expect(input.get("gen_ai.system_instructions") == .string(#"[{"type":"text","content":"be brief"}]"#))
        #expect(
            input.get("gen_ai.input.messages") == .string(#"[{"role":"user","parts":[{"type":"text","content":"what is 2+2"}]}]"#))
        let answer = ChatResponse(
            id: "msg", model: "m", content: [.text(TextContent("4"))], stopReason: .endTurn, usage: Usage())
        #expect(
            GenAIAttributes.outputContent(of: answer).get("gen_ai.output.messages")
                == .string(#"[{"role":"assistant","parts":[{"type":"text","content":"4"}],"finish_reason":"stop"}]"#))
    }

    @Test func providersFollowTheBackendsProtocol() {
        #expect(GenAIAttributes.provider(of: .openai) == "openai")
        #expect(GenAIAttributes.provider(of: .openAIResponses) == "openai")
        #expect(GenAIAttributes.provider(of: .anthropic) == "anthropic")
        #expect(GenAIAttributes.provider(of: .llama) == "llama.cpp")
    }
}
