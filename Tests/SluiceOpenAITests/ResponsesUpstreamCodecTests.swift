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

    @Test func itemsBecomeBlocks() throws {
        let events = try Self.decode([
            ["type": "response.created", "response": [:]],
            ["type": "response.output_item.added", "item": ["type": "reasoning"]],
            ["type": "response.reasoning_summary_text.delta", "delta": "Hm"],
            ["type": "response.reasoning_summary_part.added", "summary_index": 1],
            ["type": "response.reasoning_summary_text.delta", "delta": "ok"],
            ["type": "response.output_item.done", "item": ["type": "reasoning", "encrypted_content": "enc"]],
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

    static let searchAdded: JSONValue = ["type": "web_search_call", "id": "ws_1", "status": "in_progress"]
    static let searchDone: JSONValue = [
        "type": "web_search_call", "id": "ws_1", "status": "completed", "action": ["type": "search", "query": "rome weather"],
    ]

    @Test func builtInToolItemsAndTheirOwnEventsBecomeResponsesOnlyBlocks() throws {
        let events = try Self.decode([
            ["type": "response.output_item.added", "output_index": 0, "item": Self.searchAdded],
            ["type": "response.web_search_call.in_progress", "output_index": 0, "item_id": "ws_1", "sequence_number": 3],
            ["type": "response.web_search_call.searching", "output_index": 0, "item_id": "ws_1", "sequence_number": 4],
            // Not an event of this item: dropped.
            ["type": "response.file_search_call.searching", "output_index": 0, "item_id": "ws_1"],
            ["type": "response.output_item.done", "output_index": 0, "item": Self.searchDone],
            ["type": "response.output_item.added", "output_index": 1, "item": ["type": "code_interpreter_call", "id": "ci_1"]],
            ["type": "response.code_interpreter_call_code.delta", "output_index": 1, "item_id": "ci_1", "delta": "1+1"],
            [
                "type": "response.output_item.done", "output_index": 1,
                "item": ["type": "code_interpreter_call", "id": "ci_1", "code": "1+1"],
            ],
            ["type": "response.output_item.added", "output_index": 2, "item": ["type": "message"]],
            ["type": "response.content_part.added", "part": ["type": "output_text", "text": ""]],
            ["type": "response.output_text.delta", "delta": "Sunny."],
            ["type": "response.content_part.done"],
            ["type": "response.output_item.done", "item": ["type": "message"]],
            ["type": "response.completed", "response": [:]],
        ])
        #expect(
            events == [
                .blockStart(.responsesOnly(["type": "web_search_call", "id": "ws_1", "status": "in_progress"])),
                .blockDelta(.responsesOnlyEvent(["type": "response.web_search_call.in_progress", "output_index": 0, "item_id": "ws_1"])),
                .blockDelta(.responsesOnlyEvent(["type": "response.web_search_call.searching", "output_index": 0, "item_id": "ws_1"])),
                .blockDelta(.responsesOnlyItem(try #require(Self.searchDone.objectValue))), .blockStop,
                .blockStart(.responsesOnly(["type": "code_interpreter_call", "id": "ci_1"])),
                .blockDelta(
                    .responsesOnlyEvent(
                        ["type": "response.code_interpreter_call_code.delta", "output_index": 1, "item_id": "ci_1", "delta": "1+1"])),
                .blockDelta(.responsesOnlyItem(["type": "code_interpreter_call", "id": "ci_1", "code": "1+1"])), .blockStop,
                .blockStart(.text), .blockDelta(.text("Sunny.")), .blockStop,
                .messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage()),
            ])
        // Non-streaming clients get the same answer from the accumulated events.
        var accumulator = ResponseAccumulator()
        try accumulator.consume(.messageStart(id: "msg_1", model: "o", usage: Usage()))
        for event in events { try accumulator.consume(event) }
        let content = try accumulator.response().content
        #expect(content.first == .responsesOnly(ResponsesOnlyContent(item: try #require(Self.searchDone.objectValue))))
        #expect(content.count == 3)
    }

    @Test func aOnePieceUpstreamAnswerKeepsBuiltInItemsInPlace() throws {
        let answer = try ResponsesResponseDecoder.decode(
            [
                "model": "o", "status": "completed",
                "output": [
                    Self.searchDone,
                    ["type": "message", "content": [["type": "output_text", "text": "Sunny."]]],
                ],
            ], messageID: "msg_1")
        #expect(
            answer.content == [
                .responsesOnly(ResponsesOnlyContent(item: try #require(Self.searchDone.objectValue))), .text(TextContent("Sunny.")),
            ])
        #expect(answer.stopReason == .endTurn)
    }

    @Test func builtInItemsSentBackInInputReachAResponsesUpstreamUnchangedAndNoOtherBackend() throws {
        let search: JSONValue = [
            "type": "web_search_call", "id": "ws_1", "status": "completed", "action": ["type": "search", "query": "rome"],
        ]
        let input: JSONValue = [
            ["role": "user", "content": "Weather in Rome?"], search,
            ["type": "message", "role": "assistant", "content": [["type": "output_text", "text": "Sunny."]]],
            ["role": "user", "content": "Thanks!"],
        ]
        let request = try ResponsesRequestDecoder.decode(["model": "o", "input": input]).chat
        let sent = ResponsesRequestEncoder.encode(request)["input"]?.arrayValue ?? []
        #expect(sent.count == 4)
        #expect(sent.dropFirst().first == search)
        // A Chat Completions backend gets the conversation without the call: the answer says what it found.
        let chat = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions())["messages"]
        #expect(
            chat == [
                ["role": "user", "content": "Weather in Rome?"], ["role": "assistant", "content": "Sunny."],
                ["role": "user", "content": "Thanks!"],
            ])
    }
}
