import SluiceCore
import SluiceOpenAI
import Testing

@Suite struct OpenAIResponseDecoderTests {
    /// vLLM's answer with a reasoning parser and a tool call.
    static let vLLMCompletion = #"""
        {"id":"chatcmpl-b7e1","object":"chat.completion","created":1731000000,"model":"Qwen/Qwen3-32B",
         "choices":[{"index":0,"message":{"role":"assistant","reasoning_content":"Weather needs a tool.","content":"Checking.",
           "tool_calls":[{"id":"chatcmpl-tool-1f","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\",\"unit\":\"c\"}"}}]},
           "logprobs":null,"finish_reason":"tool_calls","stop_reason":null}],
         "usage":{"prompt_tokens":900,"total_tokens":940,"completion_tokens":40,"prompt_tokens_details":{"cached_tokens":512}},
         "prompt_logprobs":null}
        """#

    @Test func decodesACompletionWithReasoningAndToolCalls() throws {
        let response = try OpenAIResponseDecoder.decode(json(Self.vLLMCompletion), messageID: "msg_local1")
        #expect(
            response
                == ChatResponse(
                    id: "msg_local1",
                    model: "Qwen/Qwen3-32B",
                    content: [
                        .thinking(Thinking("Weather needs a tool.")),
                        .text(TextContent("Checking.")),
                        .toolUse(ToolUse(id: "chatcmpl-tool-1f", name: "get_weather", input: json(#"{"city":"Paris","unit":"c"}"#))),
                    ],
                    stopReason: .toolUse,
                    usage: Usage(inputTokens: 388, outputTokens: 40, cacheReadInputTokens: 512)
                )
        )
    }

    @Test func stopSequenceFromVLLMStopReason() throws {
        let body = json(
            #"""
            {"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"42"},"finish_reason":"stop","stop_reason":"</answer>"}],
             "usage":{"prompt_tokens":5,"completion_tokens":1}}
            """#
        )
        let response = try OpenAIResponseDecoder.decode(body, messageID: "msg_1")
        #expect(response.stopReason == .stopSequence)
        #expect(response.stopSequence == "</answer>")
        #expect(response.content == [.text(TextContent("42"))])
        #expect(response.usage == Usage(inputTokens: 5, outputTokens: 1))
    }

    @Test func toolCallsWithStopFinishAreToolUseAndMissingIDsAreGenerated() throws {
        let body = json(
            #"""
            {"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,
              "tool_calls":[{"type":"function","function":{"name":"ls","arguments":""}}]},"finish_reason":"stop"}]}
            """#
        )
        let response = try OpenAIResponseDecoder.decode(body, messageID: "msg_1")
        #expect(response.stopReason == .toolUse)
        guard case .toolUse(let call) = try #require(response.content.first) else {
            Issue.record("expected a tool call")
            return
        }
        #expect(call.id.hasPrefix("toolu_"))
        #expect(call.input == [:])
        #expect(response.usage == Usage())
    }

    @Test func refusalBecomesText() throws {
        let body = json(
            #"{"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":"stop"}]}"#
        )
        #expect(try OpenAIResponseDecoder.decode(body, messageID: "m1").content == [.text(TextContent("I can't help with that."))])
    }

    @Test func errorBodyWithStatus200Throws() {
        let body = json(#"{"error":{"message":"model is loading","type":"server_error","code":503}}"#)
        #expect(throws: SluiceError(.overloaded, "model is loading")) { try OpenAIResponseDecoder.decode(body, messageID: "m1") }
    }

    @Test(arguments: [
        (#"{"model":"m"}"#, "upstream sent an unexpected completion: choices: field required"),
        (#"{"model":"m","choices":[]}"#, "upstream sent an unexpected completion: choices: no choice"),
        (#"{"model":"m","choices":[{"index":0}]}"#, "upstream sent an unexpected completion: choices[0].message: field required"),
    ])
    func malformedCompletionIsAnUpstreamFailure(body: String, message: String) {
        #expect(throws: SluiceError.upstreamFailed(message)) { try OpenAIResponseDecoder.decode(json(body), messageID: "m1") }
    }
}
