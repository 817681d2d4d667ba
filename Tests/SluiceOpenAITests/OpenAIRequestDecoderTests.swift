import SluiceCore
import SluiceOpenAI
import Testing

@Suite struct OpenAIRequestDecoderTests {
    /// What an agent framework sends on its second round: a system and a developer message, an image,
    /// an assistant turn with reasoning and two tool calls, their results, and a follow-up question.
    static let agentRequest = #"""
        {
          "model": "gpt-4o",
          "messages": [
            {"role": "system", "content": "You are a coding agent."},
            {"role": "developer", "content": [{"type": "text", "text": "Prefer small diffs."}]},
            {"role": "user", "content": [
              {"type": "text", "text": "What is in this screenshot?"},
              {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "high"}},
              {"type": "image_url", "image_url": {"url": "https://example.com/b.jpg"}}
            ]},
            {"role": "system", "content": "The user is on macOS."},
            {"role": "assistant", "content": null, "reasoning_content": "I should look at both files.", "tool_calls": [
              {"id": "call_1", "type": "function", "function": {"name": "read", "arguments": "{\"path\":\"a.swift\",\"lines\":[1,20]}"}},
              {"id": "call_2", "type": "function", "function": {"name": "read", "arguments": "{\"path\":"}}
            ]},
            {"role": "tool", "tool_call_id": "call_1", "content": "struct A {}"},
            {"role": "tool", "tool_call_id": "call_2", "content": [{"type": "text", "text": "no such file"}]},
            {"role": "user", "content": "And now?"}
          ],
          "max_tokens": 1024,
          "temperature": 0,
          "top_p": 0.9,
          "top_k": 40,
          "stop": "</done>",
          "stream": true,
          "stream_options": {"include_usage": true},
          "tools": [
            {"type": "function", "function": {"name": "read", "description": "Reads a file.", "strict": true,
              "parameters": {"type": "object", "properties": {"path": {"type": "string"}, "lines": {"type": "array"}}, "required": ["path"]}}},
            {"type": "function", "function": {"name": "now"}}
          ],
          "tool_choice": "required",
          "parallel_tool_calls": false,
          "reasoning_effort": "low",
          "user": "user-42",
          "seed": 7,
          "frequency_penalty": 0.1,
          "presence_penalty": 0.2,
          "logit_bias": {"50256": -100},
          "response_format": {"type": "text"},
          "some_future_field": {"anything": [1, 2]}
        }
        """#

    @Test func decodesAnAgentRequest() throws {
        let (request, options) = try OpenAIRequestDecoder.decode(json(Self.agentRequest))
        let expected = ChatRequest(
            model: "gpt-4o",
            system: [TextContent("You are a coding agent."), TextContent("Prefer small diffs.")],
            messages: [
                Message(
                    role: .user,
                    content: [
                        .text(TextContent("What is in this screenshot?")),
                        .image(ImageContent(source: .base64(mediaType: "image/png", data: "iVBORw0KGgo="))),
                        .image(ImageContent(source: .url("https://example.com/b.jpg"))),
                    ]
                ),
                Message(role: .system, content: [.text(TextContent("The user is on macOS."))]),
                Message(
                    role: .assistant,
                    content: [
                        .thinking(Thinking("I should look at both files.")),
                        .toolUse(ToolUse(id: "call_1", name: "read", input: json(#"{"path":"a.swift","lines":[1,20]}"#))),
                        .toolUse(ToolUse(id: "call_2", name: "read", input: [:])),
                    ]
                ),
                Message(
                    role: .user,
                    content: [
                        .toolResult(ToolResult(toolUseID: "call_1", content: [.text(TextContent("struct A {}"))])),
                        .toolResult(ToolResult(toolUseID: "call_2", content: [.text(TextContent("no such file"))])),
                    ]
                ),
                .user("And now?"),
            ],
            tools: [
                ToolDefinition(
                    name: "read",
                    description: "Reads a file.",
                    inputSchema: json(
                        #"{"type":"object","properties":{"path":{"type":"string"},"lines":{"type":"array"}},"required":["path"]}"#)
                ),
                ToolDefinition(name: "now", inputSchema: ["type": "object", "properties": [:]]),
            ],
            toolChoice: .any,
            parallelToolCalls: false,
            maxTokens: 1024,
            temperature: 0,
            topP: 0.9,
            topK: 40,
            stopSequences: ["</done>"],
            stream: true,
            effort: "low",
            user: "user-42",
            seed: 7,
            frequencyPenalty: 0.1,
            presencePenalty: 0.2,
            responseFormat: .text
        )
        #expect(request == expected)
        #expect(options == OpenAIStreamOptions(includeUsage: true))
    }

    @Test func minimalRequestHasDefaults() throws {
        let (request, options) = try OpenAIRequestDecoder.decode(json(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#))
        #expect(request == ChatRequest(model: "m", messages: [.user("hi")]))
        #expect(options.includeUsage == false)
    }

    @Test func maxCompletionTokensWinsOverMaxTokens() throws {
        let body = json(#"{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":10,"max_completion_tokens":20}"#)
        #expect(try OpenAIRequestDecoder.decode(body).request.maxTokens == 20)
    }

    @Test func stopAcceptsAnArray() throws {
        let body = json(#"{"model":"m","messages":[{"role":"user","content":"hi"}],"stop":["a","b"]}"#)
        #expect(try OpenAIRequestDecoder.decode(body).request.stopSequences == ["a", "b"])
    }

    @Test func reasoningFieldIsThinkingToo() throws {
        let body = json(
            #"{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"Hello","reasoning":"Greet back."}]}"#
        )
        #expect(
            try OpenAIRequestDecoder.decode(body).request.messages.last
                == Message(role: .assistant, content: [.thinking(Thinking("Greet back.")), .text(TextContent("Hello"))])
        )
    }

    @Test func toolMessagesAfterADifferentTurnStartANewUserTurn() throws {
        let body = json(
            #"""
            {"model":"m","messages":[
              {"role":"user","content":"go"},
              {"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":""}}]},
              {"role":"tool","tool_call_id":"a","content":"1"},
              {"role":"assistant","tool_calls":[{"id":"b","type":"function","function":{"name":"f","arguments":"not json"}}]},
              {"role":"tool","tool_call_id":"b","content":""},
              {"role":"tool","tool_call_id":"c","content":"3"},
              {"role":"user","content":"thanks"}
            ]}
            """#
        )
        let messages = try OpenAIRequestDecoder.decode(body).request.messages
        #expect(
            messages == [
                .user("go"),
                Message(role: .assistant, content: [.toolUse(ToolUse(id: "a", name: "f", input: [:]))]),
                Message(role: .user, content: [.toolResult(ToolResult(toolUseID: "a", content: [.text(TextContent("1"))]))]),
                Message(role: .assistant, content: [.toolUse(ToolUse(id: "b", name: "f", input: [:]))]),
                Message(
                    role: .user,
                    content: [
                        .toolResult(ToolResult(toolUseID: "b", content: [])),
                        .toolResult(ToolResult(toolUseID: "c", content: [.text(TextContent("3"))])),
                    ]
                ),
                .user("thanks"),
            ]
        )
    }

    @Test(arguments: [
        (#"{"type":"function","function":{"name":"f"}}"#, ToolChoice.tool(name: "f")),
        (#""auto""#, .auto),
        (#""none""#, ToolChoice.none),
        (#""required""#, .any),
    ])
    func toolChoices(choice: String, expected: ToolChoice) throws {
        let body = json(#"{"model":"m","messages":[{"role":"user","content":"hi"}],"tool_choice":"# + choice + "}")
        #expect(try OpenAIRequestDecoder.decode(body).request.toolChoice == expected)
    }

    @Test func topKZeroMeansNone() throws {
        let body = json(#"{"model":"m","messages":[{"role":"user","content":"hi"}],"top_k":0}"#)
        #expect(try OpenAIRequestDecoder.decode(body).request.topK == nil)
    }

    @Test(arguments: ["repetition_penalty", "repeat_penalty"])
    func openModelSamplingFieldsAreRead(penaltyName: String) throws {
        let body = json(#"{"model":"m","messages":[{"role":"user","content":"hi"}],"min_p":0.05,"\#(penaltyName)":1.1}"#)
        let request = try OpenAIRequestDecoder.decode(body).request
        #expect(request.minP == 0.05)
        #expect(request.repetitionPenalty == 1.1)
    }

    @Test func onlySystemMessagesGoToTheSystemPrompt() throws {
        let body = json(#"{"model":"m","messages":[{"role":"system","content":"a"},{"role":"system","content":""}]}"#)
        let request = try OpenAIRequestDecoder.decode(body).request
        #expect(request.system == [TextContent("a")])
        #expect(request.messages.isEmpty)
    }

    @Test(arguments: [
        (#"{"messages":[{"role":"user","content":"hi"}]}"#, "model: field required"),
        (#"{"model":"m"}"#, "messages: field required"),
        (#"{"model":"m","messages":[]}"#, "messages: at least one message is required"),
        (#"{"model":"m","messages":[{"role":"user","content":"hi"}],"n":2}"#, "n: only 1 is supported"),
        (#"{"model":7,"messages":[{"role":"user","content":"hi"}]}"#, "model: expected a string"),
        (#"[1]"#, "body: expected an object"),
        (#"{"model":"m","messages":[{"content":"hi"}]}"#, "messages[0].role: field required"),
        (#"{"model":"m","messages":[{"role":"function","content":"hi"}]}"#, "messages[0].role: unsupported role 'function'"),
        (#"{"model":"m","messages":[{"role":"user","content":42}]}"#, "messages[0].content: expected an array"),
        (#"{"model":"m","messages":[{"role":"user"}]}"#, "messages[0].content: field required"),
        (
            #"{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]}"#,
            "messages[0].content[0].type: unsupported content part type 'input_audio'"
        ),
        (
            #"{"model":"m","messages":[{"role":"user","content":"a"},{"role":"assistant","tool_calls":[{"id":"x","function":{"arguments":"{}"}}]}]}"#,
            "messages[1].tool_calls[0].function.name: field required"
        ),
        (#"{"model":"m","messages":[{"role":"tool","content":"x"}]}"#, "messages[0].tool_call_id: field required"),
        (#"{"model":"m","messages":[{"role":"user","content":"a"}],"temperature":"hot"}"#, "temperature: expected a number"),
        (#"{"model":"m","messages":[{"role":"user","content":"a"}],"min_p":1.5}"#, "min_p: must be between 0 and 1"),
        (#"{"model":"m","messages":[{"role":"user","content":"a"}],"repetition_penalty":0}"#, "repetition_penalty: must be greater than 0"),
        (
            #"{"model":"m","messages":[{"role":"user","content":"a"}],"tools":[{"type":"function","function":{}}]}"#,
            "tools[0].function.name: field required"
        ),
        (
            #"{"model":"m","messages":[{"role":"user","content":"a"}],"tools":[{"type":"web_search"}]}"#,
            "tools[0].type: only function tools are supported"
        ),
        (
            #"{"model":"m","messages":[{"role":"user","content":"a"}],"tool_choice":"sometimes"}"#,
            #"tool_choice: expected "auto", "none", "required" or {"type":"function","function":{"name"}}"#
        ),
        (
            #"{"model":"m","messages":[{"role":"user","content":"a"}],"stream_options":{"include_usage":"yes"}}"#,
            "stream_options.include_usage: expected a boolean"
        ),
    ])
    func invalidRequestsNameTheField(body: String, message: String) throws {
        let error = try #require(throws: SluiceError.self) { try OpenAIRequestDecoder.decode(json(body)) }
        #expect(error.message == message && error.category == .invalidRequest)
    }
}
