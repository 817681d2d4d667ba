import SluiceCore
import SluiceOpenAI
import Testing

@Suite struct OpenAIResponseEncoderTests {
    @Test func answerWithThinkingTextAndToolCalls() {
        let response = ChatResponse(
            id: "msg_01ABC",
            model: "claude-sonnet-4-5",
            content: [
                .thinking(Thinking("Need the file.", signature: "sig")),
                .redactedThinking(data: "xyz"),
                .text(TextContent("Let me read it.")),
                .toolUse(ToolUse(id: "toolu_9", name: "Read", input: json(#"{"path":"a.swift","limit":20}"#))),
            ],
            stopReason: .toolUse,
            usage: Usage(inputTokens: 10, outputTokens: 30, cacheReadInputTokens: 2000, cacheCreationInputTokens: 50)
        )
        let expected = #"""
            {"id":"chatcmpl-01ABC","object":"chat.completion","created":1731000000,"model":"claude-sonnet-4-5",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Let me read it.","reasoning_content":"Need the file.",
               "tool_calls":[{"id":"toolu_9","type":"function","function":{"name":"Read","arguments":"{\"path\":\"a.swift\",\"limit\":20}"}}]},
               "finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":2060,"completion_tokens":30,"total_tokens":2090,"prompt_tokens_details":{"cached_tokens":2000}}}
            """#
        #expect(OpenAIResponseEncoder.encode(response, created: 1_731_000_000).serializedString() == compact(expected))
    }

    @Test func toolCallsAloneHaveNullContent() {
        let response = ChatResponse(
            id: "chatcmpl-keep",
            model: "m",
            content: [.toolUse(ToolUse(id: "call_1", name: "f", input: [:]))],
            stopReason: .toolUse,
            usage: Usage()
        )
        let body = OpenAIResponseEncoder.encode(response, created: 1)
        #expect(body["id"] == "chatcmpl-keep")
        #expect(body["choices"]?.arrayValue?.first?["message"]?["content"] == .null)
    }

    @Test func emptyAnswerHasEmptyStringContent() {
        let response = ChatResponse(id: "x1", model: "m", content: [], stopReason: .maxTokens, usage: Usage())
        let body = OpenAIResponseEncoder.encode(response, created: 1)
        #expect(body["id"] == "chatcmpl-x1")
        #expect(
            body["choices"]?.arrayValue?.first == json(#"{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"length"}"#)
        )
    }
}
