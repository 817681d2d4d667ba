import SluiceAnthropic
import SluiceCore
import Testing

@Suite struct AnthropicRequestEncoderTests {
    private func claudeCodeRequest() throws -> ChatRequest {
        try AnthropicRequestDecoder.decode(try Fixtures.json(Fixtures.claudeCodeRequest), betaHeader: Fixtures.betaHeader)
    }

    @Test func decodingWhatWasEncodedGivesTheSameRequest() throws {
        let request = try claudeCodeRequest()
        var again = try AnthropicRequestDecoder.decode(
            AnthropicRequestEncoder.encode(request, stream: true), betaHeader: Fixtures.betaHeader)
        // Extra fields may come back in another order: `output_config` has a fixed place on the way out.
        #expect(again.anthropicExtraFields.keys.sorted() == request.anthropicExtraFields.keys.sorted())
        for key in request.anthropicExtraFields.keys { #expect(again.anthropicExtraFields[key] == request.anthropicExtraFields[key]) }
        again.anthropicExtraFields = request.anthropicExtraFields
        #expect(again == request)
    }

    @Test func claudeCodeRequestReachesAnthropicAsSent() throws {
        let body = AnthropicRequestEncoder.encode(try claudeCodeRequest(), stream: true)
        let original = try Fixtures.json(Fixtures.claudeCodeRequest)

        #expect(
            body.objectValue?.keys
                == [
                    "model", "max_tokens", "system", "messages", "tools", "thinking", "metadata", "output_config", "stream",
                    "context_management",
                ]
        )
        #expect(body["system"] == original["system"])
        #expect(body["thinking"] == ["type": "adaptive", "display": "omitted"])
        #expect(body["context_management"] == original["context_management"])
        #expect(body["output_config"] == ["effort": "medium"])
        #expect(body["metadata"] == ["user_id": .string(Fixtures.userID)])
        #expect(body["stream"] == true)
        // The system message stays after the first user turn, with its `output_config`.
        #expect(
            body["messages"]?.arrayValue?[1]
                == [
                    "role": "system", "content": [["type": "text", "text": "The user switched to plan mode."]],
                    "output_config": ["effort": "low"],
                ])
        // Thinking keeps its signature; cache hints stay on their blocks.
        #expect(body["messages"]?.arrayValue?[2] == original["messages"]?.arrayValue?[2])
        #expect(body["messages"]?.arrayValue?[3] == original["messages"]?.arrayValue?[3])
        #expect(body["tools"]?.arrayValue?[0]["input_schema"]?.serializedString() == Fixtures.readSchema)
        // Custom tools, then the server tool only Anthropic runs.
        #expect(body["tools"]?.arrayValue?.count == 4)
        #expect(body["tools"]?.arrayValue?[2]["cache_control"] == ["type": "ephemeral"])
    }

    @Test func minimalRequestIsCompact() throws {
        let request = ChatRequest(model: "claude-haiku-4-5", system: [TextContent("Be brief.")], messages: [.user("Hi")], temperature: 0)
        #expect(
            AnthropicRequestEncoder.encode(request, stream: false).serializedString()
                == #"{"model":"claude-haiku-4-5","max_tokens":4096,"system":"Be brief.","messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],"temperature":0,"stream":false}"#
        )
    }

    @Test func everyCanonicalBlockIsEncoded() throws {
        let request = ChatRequest(
            model: "m",
            messages: [
                Message(
                    role: .user,
                    content: [
                        .image(ImageContent(source: .base64(mediaType: "image/png", data: "iVBO"), cacheControl: ["type": "ephemeral"])),
                        .image(ImageContent(source: .url("https://example.com/a.png"))),
                    ]
                ),
                Message(
                    role: .assistant,
                    content: [
                        .redactedThinking(data: "EmwK"),
                        .toolUse(ToolUse(id: "toolu_1", name: "Bash", input: ["command": "ls", "timeout": 5])),
                    ]
                ),
                Message(
                    role: .user,
                    content: [.toolResult(ToolResult(toolUseID: "toolu_1", content: [.text(TextContent("boom"))], isError: true))]),
            ],
            maxTokens: 10
        )
        #expect(
            AnthropicRequestEncoder.encode(request, stream: false)["messages"]?.serializedString()
                == #"[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBO"},"cache_control":{"type":"ephemeral"}},{"type":"image","source":{"type":"url","url":"https://example.com/a.png"}}]},"#
                + #"{"role":"assistant","content":[{"type":"redacted_thinking","data":"EmwK"},{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls","timeout":5}}]},"#
                + #"{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"boom"}],"is_error":true}]}]"#
        )
    }

    @Test func toolReferencesAndServerToolHistoryReachAnthropicAsSent() throws {
        let blocks = [
            #"{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"swift"}}"#,
            #"{"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[{"type":"web_search_result","url":"https://swift.org","title":"Swift","encrypted_content":"Eo8B"}]}"#,
            #"{"type":"tool_use","id":"toolu_1","name":"ToolSearch","input":{"query":"notebook"}}"#,
        ]
        let result = #"{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"tool_reference","tool_name":"NotebookEdit"}]}"#
        let body =
            #"{"model":"m","max_tokens":9,"messages":[{"role":"user","content":"find"},"#
            + #"{"role":"assistant","content":[\#(blocks.joined(separator: ","))]},{"role":"user","content":[\#(result)]}]}"#
        let encoded = AnthropicRequestEncoder.encode(
            try AnthropicRequestDecoder.decode(try JSONParser.parse(body), betaHeader: nil), stream: false)
        let messages = encoded["messages"]?.arrayValue ?? []
        #expect(messages.count == 3)
        #expect(messages[1]["content"] == .array(try blocks.map { try JSONParser.parse($0) }))
        #expect(messages[2]["content"]?.arrayValue?.first == (try JSONParser.parse(result)))
    }

    @Test func documentsReachAnthropicAsTheClientSentThem() throws {
        let block =
            #"{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"},"title":"Q3","context":"finance","citations":{"enabled":true},"cache_control":{"type":"ephemeral"}}"#
        let request = try AnthropicRequestDecoder.decode(
            try JSONParser.parse(
                #"{"model":"m","max_tokens":9,"messages":[{"role":"user","content":[\#(block),{"type":"text","text":"Sum up"}]}]}"#),
            betaHeader: nil)
        let encoded = AnthropicRequestEncoder.encode(request, stream: false)
        #expect(encoded["messages"]?.arrayValue?.first?["content"]?.arrayValue?.first == (try JSONParser.parse(block)))
    }

    @Test func unsignedThinkingIsLeftOut() throws {
        let request = ChatRequest(
            model: "m",
            messages: [
                .user("Hi"),
                Message(
                    role: .assistant,
                    content: [
                        .thinking(Thinking("from a local model")), .thinking(Thinking("x", signature: "")), .text(TextContent("Hello")),
                    ]
                ),
            ]
        )
        #expect(
            AnthropicRequestEncoder.encode(request, stream: false)["messages"]?.arrayValue?[1]["content"] == [
                ["type": "text", "text": "Hello"]
            ])
    }

    @Test func policyChangesWinOverTheClientsOriginalFields() throws {
        var request = try claudeCodeRequest()
        request.effort = "low"
        request.thinking = .enabled(budgetTokens: 1024)
        request.anthropicExtraFields["model"] = "smuggled"
        request.anthropicExtraFields["output_config"] = ["effort": "medium", "format": ["type": "json_schema"]]
        let body = AnthropicRequestEncoder.encode(request, stream: false)
        #expect(body["model"] == "claude-sonnet-4-5-20250929")
        #expect(body["thinking"] == ["type": "enabled", "budget_tokens": 1024])
        #expect(body["output_config"] == ["effort": "low", "format": ["type": "json_schema"]])
        #expect(body["stream"] == false)

        request.effort = nil
        request.anthropicExtraFields["output_config"] = ["effort": "medium"]
        #expect(AnthropicRequestEncoder.encode(request, stream: false)["output_config"] == nil)
    }

    @Test(
        arguments: [
            (nil, nil, nil),
            (nil, false, ["type": "auto", "disable_parallel_tool_use": true]),
            (.auto, nil, ["type": "auto"]),
            (.any, false, ["type": "any", "disable_parallel_tool_use": true]),
            (.tool(name: "Read"), true, ["type": "tool", "name": "Read", "disable_parallel_tool_use": false]),
            (ToolChoice.none, false, ["type": "none"]),
        ] as [(ToolChoice?, Bool?, JSONValue?)]
    )
    func toolChoiceIsEncoded(choice: ToolChoice?, parallel: Bool?, expected: JSONValue?) {
        let request = ChatRequest(model: "m", messages: [.user("hi")], toolChoice: choice, parallelToolCalls: parallel)
        #expect(AnthropicRequestEncoder.encode(request, stream: false)["tool_choice"] == expected)
    }

    @Test func samplingFieldsAreEncoded() {
        let request = ChatRequest(
            model: "m",
            messages: [.user("hi")],
            maxTokens: 512,
            temperature: 0.7,
            topP: 0.95,
            topK: 20,
            minP: 0.05,
            repetitionPenalty: 1.1,
            stopSequences: ["STOP"],
            thinking: .disabled,
            user: "user-1",
            seed: 42,
            frequencyPenalty: 0.5
        )
        #expect(
            AnthropicRequestEncoder.encode(request, stream: true).serializedString()
                == #"{"model":"m","max_tokens":512,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"thinking":{"type":"disabled"},"#
                + #""temperature":0.7,"top_p":0.95,"top_k":20,"min_p":0.05,"repetition_penalty":1.1,"seed":42,"stop_sequences":["STOP"],"metadata":{"user_id":"user-1"},"stream":true}"#
        )
    }
}
