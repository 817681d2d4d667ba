import SluiceCore
import SluiceOpenAI
import Testing

@Suite struct ResponsesRequestDecoderTests {
    static func decode(_ body: JSONValue, history: [JSONValue] = []) throws -> ResponsesRequest {
        try ResponsesRequestDecoder.decode(body, history: history)
    }

    @Test func aStringInputIsOneUserMessageAndInstructionsAreTheSystem() throws {
        let request = try Self.decode(["model": "m", "input": "hi", "instructions": "Be brief.", "max_output_tokens": 9])
        #expect(request.chat.system == [TextContent("Be brief.")])
        #expect(request.chat.messages == [.user("hi")])
        #expect(request.chat.maxTokens == 9)
        #expect(request.store)
        #expect(request.inputItems == [["type": "message", "role": "user", "content": [["type": "input_text", "text": "hi"]]]])
        #expect(request.requestFields["instructions"] == "Be brief.")
        #expect(request.requestFields["tool_choice"] == "auto")
    }

    @Test func assistantItemsMergeIntoOneTurnAndCallOutputsIntoOneUserTurn() throws {
        let request = try Self.decode([
            "model": "m",
            "input": [
                ["role": "developer", "content": "rules"],
                ["role": "user", "content": [["type": "input_text", "text": "weather?"]]],
                ["type": "reasoning", "id": "rs_1", "summary": [["type": "summary_text", "text": "think"]]],
                ["type": "message", "role": "assistant", "content": [["type": "output_text", "text": "Checking."]]],
                ["type": "function_call", "call_id": "c1", "name": "get", "arguments": #"{"city":"Rome"}"#],
                ["type": "function_call", "call_id": "c2", "name": "get", "arguments": "not json"],
                ["type": "function_call_output", "call_id": "c1", "output": "sunny"],
                ["type": "function_call_output", "call_id": "c2", "output": [["type": "input_text", "text": "rain"]]],
                ["role": "system", "content": "later"],
            ],
        ])
        #expect(request.chat.system == [TextContent("rules")])
        #expect(
            request.chat.messages == [
                .user("weather?"),
                Message(
                    role: .assistant,
                    content: [
                        .thinking(Thinking("think")), .text(TextContent("Checking.")),
                        .toolUse(ToolUse(id: "c1", name: "get", input: ["city": "Rome"])),
                        .toolUse(ToolUse(id: "c2", name: "get", input: [:])),
                    ]),
                Message(
                    role: .user,
                    content: [
                        .toolResult(ToolResult(toolUseID: "c1", content: [.text(TextContent("sunny"))])),
                        .toolResult(ToolResult(toolUseID: "c2", content: [.text(TextContent("rain"))])),
                    ]),
                Message(role: .system, content: [.text(TextContent("later"))]),
            ])
    }

    @Test func historyGoesBeforeTheInput() throws {
        let history: [JSONValue] = [
            ["type": "message", "role": "user", "content": [["type": "input_text", "text": "first"]]],
            ["type": "message", "id": "msg_x", "role": "assistant", "content": [["type": "output_text", "text": "reply"]]],
        ]
        let request = try Self.decode(["model": "m", "input": "second", "previous_response_id": "resp_1"], history: history)
        #expect(request.chat.messages == [.user("first"), .assistant("reply"), .user("second")])
        #expect(request.previousResponseID == "resp_1")
        #expect(request.inputItems.count == 1)
    }

    @Test func settingsMapOntoTheCanonicalRequest() throws {
        let schema: JSONValue = ["type": "object", "properties": [:]]
        let request = try Self.decode([
            "model": "m", "input": "x", "stream": true, "temperature": .double(0.5), "top_p": .double(0.9), "user": "u", "store": false,
            "parallel_tool_calls": false, "reasoning": ["effort": "high", "summary": "auto"],
            "tools": [["type": "function", "name": "f", "parameters": schema], ["type": "file_search", "vector_store_ids": ["v"]]],
            "tool_choice": ["type": "function", "name": "f"],
            "text": ["format": ["type": "json_schema", "name": "out", "schema": schema, "strict": true]],
            "include": ["reasoning.encrypted_content"], "unknown_field": 1,
        ])
        #expect(request.chat.stream && !request.store && request.reasoningSummary)
        #expect(request.chat.temperature == 0.5 && request.chat.topP == 0.9 && request.chat.user == "u")
        #expect(request.chat.parallelToolCalls == false && request.chat.effort == "high")
        #expect(request.chat.tools == [ToolDefinition(name: "f", inputSchema: schema)])
        #expect(request.chat.openAIBuiltInTools == [["type": "file_search", "vector_store_ids": ["v"]]])
        #expect(request.chat.openAIResponsesExtraFields.keys == ["include", "reasoning", "text"])
        #expect(request.includesEncryptedReasoning)
        #expect(request.chat.toolChoice == .tool(name: "f"))
        #expect(request.chat.responseFormat == .jsonSchema(name: "out", schema: schema, strict: true))
    }

    @Test(
        arguments: [
            (["model": "m", "input": [["type": "item_reference", "id": "x"]]], "input[0].type"),
            (
                ["model": "m", "input": [["role": "user", "content": [["type": "input_file", "file_id": "f"]]]]], "input[0].content[0].type"
            ),
            (["model": "m", "input": [["role": "tool", "content": "x"]]], "input[0].role"),
            (["model": "m", "input": []], "input"),
            (["model": "m", "input": "x", "background": true], "background"),
            (["model": "m", "input": "x", "max_output_tokens": 0], "max_output_tokens"),
            (["model": "m", "input": "x", "tool_choice": "sometimes"], "tool_choice"),
            (["model": "m", "input": [["type": "function_call", "name": "f", "arguments": "{}"]]], "input[0].call_id"),
        ] as [(JSONValue, String)])
    func refusalsNameTheField(body: JSONValue, param: String) throws {
        let error = try #require(throws: SluiceError.self) { try Self.decode(body) }
        #expect(error.param == param)
        #expect(error.httpStatus == 400)
    }
}
