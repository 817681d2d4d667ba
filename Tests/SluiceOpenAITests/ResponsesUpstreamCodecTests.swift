import SluiceCore
import SluiceOpenAI
import Testing

/// The codec of `type: openai_responses` backends: canonical requests out, Responses events in.
@Suite struct ResponsesUpstreamCodecTests {
    @Test func theConversationGoesOutAsItemsWithEncryptedReasoningAndBuiltInTools() {
        var request = ChatRequest(
            model: "o4", system: [TextContent("Be brief.")],
            messages: [
                .user("Weather?"),
                Message(
                    role: .assistant,
                    content: [
                        .thinking(Thinking("Look it up.", signature: "enc")), .text(TextContent("Checking.")),
                        .toolUse(ToolUse(id: "call_1", name: "get", input: ["city": "Rome"])),
                    ]),
                Message(role: .user, content: [.toolResult(ToolResult(toolUseID: "call_1", content: [.text(TextContent("sunny"))]))]),
            ],
            tools: [ToolDefinition(name: "get", inputSchema: ["type": "object"])], toolChoice: .any, maxTokens: 50)
        request.openAIBuiltInTools = [["type": "web_search"]]
        request.openAIResponsesExtraFields = ["include": ["file_search_call.results"], "reasoning": ["summary": "auto"]]
        request.effort = "low"
        let body = ResponsesRequestEncoder.encode(request)
        #expect(body["instructions"] == "Be brief.")
        #expect(
            body["input"] == [
                ["type": "message", "role": "user", "content": [["type": "input_text", "text": "Weather?"]]],
                [
                    "type": "reasoning", "id": "rs_sluice_0", "summary": [["type": "summary_text", "text": "Look it up."]],
                    "encrypted_content": "enc",
                ],
                ["type": "message", "role": "assistant", "content": [["type": "output_text", "text": "Checking."]]],
                ["type": "function_call", "call_id": "call_1", "name": "get", "arguments": #"{"city":"Rome"}"#],
                ["type": "function_call_output", "call_id": "call_1", "output": "sunny"],
            ])
        #expect(body["tools"] == [["type": "function", "name": "get", "parameters": ["type": "object"]], ["type": "web_search"]])
        #expect(body["tool_choice"] == "required")
        #expect(body["max_output_tokens"] == 50)
        #expect(body["reasoning"] == ["summary": "auto", "effort": "low"])
        #expect(body["include"] == ["file_search_call.results", "reasoning.encrypted_content"])
        #expect(body["store"] == false && body["stream"] == true)
    }

    static func decode(_ events: [JSONValue]) throws -> [StreamEvent] {
        var decoder = ResponsesStreamDecoder()
        var decoded: [StreamEvent] = []
        for event in events { decoded += try decoder.decode(ServerSentEvent(data: event.serializedString())) }
        return decoded + (try decoder.finish())
    }

    @Test func itemsBecomeBlocksAndBuiltInCallsAreLeftOut() throws {
        let events = try Self.decode([
            ["type": "response.created", "response": [:]],
            ["type": "response.output_item.added", "item": ["type": "reasoning"]],
            ["type": "response.reasoning_summary_text.delta", "delta": "Hm"],
            ["type": "response.reasoning_summary_part.added", "summary_index": 1],
            ["type": "response.reasoning_summary_text.delta", "delta": "ok"],
            ["type": "response.output_item.done", "item": ["type": "reasoning", "encrypted_content": "enc"]],
            ["type": "response.output_item.added", "item": ["type": "web_search_call"]],
            ["type": "response.output_item.done", "item": ["type": "web_search_call"]],
            ["type": "response.output_item.added", "item": ["type": "message"]],
            ["type": "response.content_part.added", "part": ["type": "output_text", "text": ""]],
            ["type": "response.output_text.delta", "delta": "Hi"],
            ["type": "response.content_part.done"],
            ["type": "response.output_item.done", "item": ["type": "message"]],
            ["type": "response.output_item.added", "item": ["type": "function_call", "call_id": "c1", "name": "f"]],
            ["type": "response.output_item.done", "item": ["type": "function_call", "arguments": "{}"]],
            [
                "type": "response.completed",
                "response": ["usage": ["input_tokens": 9, "input_tokens_details": ["cached_tokens": 4], "output_tokens": 2]],
            ],
        ])
        #expect(
            events == [
                .blockStart(.thinking), .blockDelta(.thinking("Hm")), .blockDelta(.thinking("\n\n")), .blockDelta(.thinking("ok")),
                .blockDelta(.signature("enc")), .blockStop,
                .blockStart(.text), .blockDelta(.text("Hi")), .blockStop,
                .blockStart(.toolUse(id: "c1", name: "f")), .blockDelta(.toolInput(partialJSON: "{}")), .blockStop,
                .messageEnd(
                    stopReason: .toolUse, stopSequence: nil, usage: Usage(inputTokens: 5, outputTokens: 2, cacheReadInputTokens: 4)),
            ])
    }

    @Test func failuresAndCutStreamsAreUpstreamFailures() throws {
        #expect(throws: SluiceError.self) {
            try Self.decode([["type": "response.failed", "response": ["error": ["message": "boom"]]]])
        }
        #expect(throws: SluiceError.self) { try Self.decode([["type": "error", "message": "overloaded"]]) }
        #expect(throws: SluiceError.self) { try Self.decode([["type": "response.created", "response": [:]]]) }
        let incomplete = try Self.decode([
            ["type": "response.incomplete", "response": ["incomplete_details": ["reason": "max_output_tokens"]]]
        ])
        #expect(incomplete == [.messageEnd(stopReason: .maxTokens, stopSequence: nil, usage: Usage())])
    }
}
