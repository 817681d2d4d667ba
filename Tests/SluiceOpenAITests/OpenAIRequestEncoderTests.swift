import SluiceCore
import SluiceOpenAI
import Testing

@Suite struct OpenAIRequestEncoderTests {
    static let billingLine = "x-anthropic-billing-header: cc_version=2.1.3.a1b; cc_entrypoint=cli; cch=9f8e7;"
    static let ephemeral: JSONValue = ["type": "ephemeral"]
    static let bashSchema = #"""
        {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"command":{"type":"string","description":"The command to execute"},"timeout":{"type":"number"},"description":{"type":"string"}},"required":["command"],"additionalProperties":false}
        """#

    /// What Claude Code sends after a few turns: the billing line first in `system`, cache hints, a
    /// system message after the first user turn, a tool round whose results are followed by a
    /// `<system-reminder>` in the same user turn, a failed tool, thinking in history, a system message
    /// between a tool call and its result, and images (one returned by a tool).
    static func claudeCodeRequest() -> ChatRequest {
        ChatRequest(
            model: "qwen3-coder",
            system: [
                TextContent(billingLine),
                TextContent("You are Claude Code, Anthropic's official CLI for Claude.", cacheControl: ephemeral),
                TextContent("Working directory: /src/app", cacheControl: ephemeral),
            ],
            messages: [
                Message(
                    role: .user,
                    content: [
                        .text(TextContent("<system-reminder>\nCLAUDE.md says: run swift test.\n</system-reminder>")),
                        .text(TextContent("Fix the failing test in Parser.swift", cacheControl: ephemeral)),
                    ]
                ),
                Message(role: .system, content: [.text(TextContent("The user is on branch main."))]),
                Message(
                    role: .assistant,
                    content: [
                        .thinking(Thinking("The test output will say what fails.", signature: "EqQBCkYIBxgCKkDx")),
                        .text(TextContent("I'll run the tests and read the parser.")),
                        .toolUse(ToolUse(id: "toolu_01A", name: "Bash", input: ["command": "swift test", "description": "Run tests"])),
                        .toolUse(ToolUse(id: "toolu_01B", name: "Read", input: ["file_path": "/src/app/Parser.swift"])),
                    ]
                ),
                Message(
                    role: .user,
                    content: [
                        .toolResult(
                            ToolResult(
                                toolUseID: "toolu_01A", content: [.text(TextContent("testParse failed: expected 2, got 3"))], isError: true)
                        ),
                        .toolResult(ToolResult(toolUseID: "toolu_01B", content: [.text(TextContent("1\tfunc parse() {}"))])),
                        .text(TextContent("<system-reminder>\nThe TodoWrite tool hasn't been used recently.\n</system-reminder>")),
                    ]
                ),
                Message(
                    role: .assistant,
                    content: [
                        .redactedThinking(data: "EmwKAhgBEgy"),
                        .text(TextContent("Let me look at the screen.")),
                        .toolUse(ToolUse(id: "toolu_01C", name: "Screenshot", input: [:])),
                    ]
                ),
                Message(role: .system, content: [.text(TextContent("Keep answers short."))]),
                Message(
                    role: .user,
                    content: [
                        .toolResult(
                            ToolResult(
                                toolUseID: "toolu_01C",
                                content: [.image(ImageContent(source: .base64(mediaType: "image/png", data: "iVBORw0KGgo=")))]
                            )
                        ),
                        .text(TextContent("Does this look right?")),
                        .image(ImageContent(source: .url("https://example.com/mock.png"))),
                    ]
                ),
            ],
            tools: [
                ToolDefinition(name: "Bash", description: "Runs a shell command.", inputSchema: json(bashSchema), cacheControl: ephemeral),
                ToolDefinition(name: "Screenshot", inputSchema: ["type": "object", "properties": [:]]),
            ],
            toolChoice: .auto,
            maxTokens: 32000,
            temperature: 0,
            stream: true,
            thinking: .adaptive,
            effort: "medium",
            user: #"{"device_id":"d1","session_id":"s1"}"#
        )
    }

    static let expectedHead = #"""
        "model":"qwen3-coder",
        "messages":[
          {"role":"system","content":"You are Claude Code, Anthropic's official CLI for Claude.\nWorking directory: /src/app"},
          {"role":"user","content":"<system-reminder>\nCLAUDE.md says: run swift test.\n</system-reminder>\nFix the failing test in Parser.swift"},
        """#

    static let expectedToolRound = #"""
          {"role":"assistant","content":"I'll run the tests and read the parser.","reasoning_content":"The test output will say what fails.","tool_calls":[
            {"id":"toolu_01A","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"swift test\",\"description\":\"Run tests\"}"}},
            {"id":"toolu_01B","type":"function","function":{"name":"Read","arguments":"{\"file_path\":\"/src/app/Parser.swift\"}"}}]},
          {"role":"tool","tool_call_id":"toolu_01A","content":"Error: testParse failed: expected 2, got 3"},
          {"role":"tool","tool_call_id":"toolu_01B","content":"1\tfunc parse() {}"},
          {"role":"user","content":"<system-reminder>\nThe TodoWrite tool hasn't been used recently.\n</system-reminder>"},
          {"role":"assistant","content":"Let me look at the screen.","tool_calls":[
            {"id":"toolu_01C","type":"function","function":{"name":"Screenshot","arguments":"{}"}}]},
          {"role":"tool","tool_call_id":"toolu_01C","content":"(the image is in the next message)"},
        """#

    static let expectedTail = #"""
        "tools":[
          {"type":"function","function":{"name":"Bash","description":"Runs a shell command.","parameters":\#(bashSchema)}},
          {"type":"function","function":{"name":"Screenshot","parameters":{"type":"object","properties":{}}}}],
        "tool_choice":"auto",
        "max_tokens":32000,
        "temperature":0,
        "user":"{\"device_id\":\"d1\",\"session_id\":\"s1\"}",
        "stream":true,
        "stream_options":{"include_usage":true}
        """#

    @Test func claudeCodeConversationWithInlineSystemMessages() {
        let body = OpenAIRequestEncoder.encode(
            Self.claudeCodeRequest(), stream: true, options: OpenAIUpstreamOptions(systemMessages: .inline))
        let expected = """
            {\(Self.expectedHead)
              {"role":"system","content":"The user is on branch main."},
            \(Self.expectedToolRound)
              {"role":"system","content":"Keep answers short."},
              {"role":"user","content":[
                {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                {"type":"text","text":"Does this look right?"},
                {"type":"image_url","image_url":{"url":"https://example.com/mock.png"}}]}
            ],
            \(Self.expectedTail)}
            """
        #expect(body.serializedString() == compact(expected))
    }

    @Test func claudeCodeConversationWithFoldedSystemMessages() {
        let body = OpenAIRequestEncoder.encode(
            Self.claudeCodeRequest(), stream: true, options: OpenAIUpstreamOptions(systemMessages: .fold))
        // The first system message follows a user turn: appended to it. The second follows an
        // assistant's tool call: it goes into the next user turn, after the tool result.
        let expected = """
            {"model":"qwen3-coder",
            "messages":[
              {"role":"system","content":"You are Claude Code, Anthropic's official CLI for Claude.\\nWorking directory: /src/app"},
              {"role":"user","content":"<system-reminder>\\nCLAUDE.md says: run swift test.\\n</system-reminder>\\nFix the failing test in Parser.swift\\nThe user is on branch main."},
            \(Self.expectedToolRound)
              {"role":"user","content":[
                {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                {"type":"text","text":"Keep answers short."},
                {"type":"text","text":"Does this look right?"},
                {"type":"image_url","image_url":{"url":"https://example.com/mock.png"}}]}
            ],
            \(Self.expectedTail)}
            """
        #expect(body.serializedString() == compact(expected))
    }

    @Test func noSystemRoleAfterTheHeadWhenFolding() throws {
        let body = OpenAIRequestEncoder.encode(
            Self.claudeCodeRequest(), stream: false, options: OpenAIUpstreamOptions(systemMessages: .fold))
        let roles = try #require(body["messages"]?.arrayValue).map { $0["role"]?.stringValue }
        #expect(roles.first == "system")
        #expect(!roles.dropFirst().contains("system"))
    }

    @Test func billingLineRemovedByDefaultAndKeptOnRequest() throws {
        let removed = OpenAIRequestEncoder.encode(Self.claudeCodeRequest(), stream: false, options: OpenAIUpstreamOptions())
        let system = try #require(removed["messages"]?.arrayValue?.first?["content"]?.stringValue)
        #expect(!system.contains("x-anthropic-billing-header"))

        let kept = OpenAIRequestEncoder.encode(
            Self.claudeCodeRequest(), stream: false, options: OpenAIUpstreamOptions(keepBillingHeader: true))
        let keptSystem = try #require(kept["messages"]?.arrayValue?.first?["content"]?.stringValue)
        #expect(keptSystem == Self.billingLine + "\nYou are Claude Code, Anthropic's official CLI for Claude.\nWorking directory: /src/app")
    }

    @Test func nonStreamingRequestHasNoStreamFields() {
        let body = OpenAIRequestEncoder.encode(Self.claudeCodeRequest(), stream: false, options: OpenAIUpstreamOptions())
        #expect(body["stream"] == nil)
        #expect(body["stream_options"] == nil)
    }

    @Test func zeroTemperatureIsSent() {
        var request = ChatRequest(model: "m", messages: [.user("hi")])
        request.temperature = 0
        let body = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions())
        #expect(body.serializedString() == #"{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":0}"#)
    }

    @Test func toolSchemaKeyOrderIsPreserved() throws {
        let schema =
            #"{"type":"object","required":["z","a"],"properties":{"z":{"type":"string"},"a":{"type":"integer","minimum":1}},"additionalProperties":false}"#
        let request = ChatRequest(model: "m", messages: [.user("hi")], tools: [ToolDefinition(name: "t", inputSchema: json(schema))])
        let body = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions())
        let parameters = try #require(body["tools"]?.arrayValue?.first?["function"]?["parameters"])
        #expect(parameters.serializedString() == schema)
    }

    @Test func toolArgumentsKeepTheirKeyOrder() throws {
        let input = json(#"{"zeta":1,"alpha":{"y":true,"b":null},"mid":[3,"x"]}"#)
        let request = ChatRequest(
            model: "m",
            messages: [
                .user("go"),
                Message(role: .assistant, content: [.toolUse(ToolUse(id: "call_1", name: "f", input: input))]),
            ]
        )
        let body = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions())
        let assistant = try #require(body["messages"]?.arrayValue?.last)
        #expect(assistant["content"] == .null)
        #expect(
            assistant["tool_calls"]?.arrayValue?.first?["function"]?["arguments"]?.stringValue
                == #"{"zeta":1,"alpha":{"y":true,"b":null},"mid":[3,"x"]}"#
        )
    }

    @Test func samplingAndToolFields() {
        let request = ChatRequest(
            model: "m",
            messages: [.user("hi")],
            tools: [ToolDefinition(name: "t", inputSchema: ["type": "object"])],
            toolChoice: .tool(name: "t"),
            parallelToolCalls: false,
            maxTokens: 100,
            temperature: 0.7,
            topP: 0.95,
            topK: 20,
            minP: 0.05,
            repetitionPenalty: 1.1,
            stopSequences: ["</answer>", "\n\nHuman:"],
            seed: 42,
            frequencyPenalty: 0.5,
            presencePenalty: -0.25
        )
        let extended = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions(extendedSampling: true))
        #expect(
            extended.serializedString()
                == compact(
                    #"""
                    {"model":"m","messages":[{"role":"user","content":"hi"}],
                     "tools":[{"type":"function","function":{"name":"t","parameters":{"type":"object"}}}],
                     "tool_choice":{"type":"function","function":{"name":"t"}},"parallel_tool_calls":false,
                     "max_tokens":100,"temperature":0.7,"top_p":0.95,"top_k":20,"min_p":0.05,"repetition_penalty":1.1,"stop":["</answer>","\n\nHuman:"],
                     "seed":42,"frequency_penalty":0.5,"presence_penalty":-0.25}
                    """#
                )
        )
        // OpenAI itself rejects them.
        let plain = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions())
        #expect(plain["top_k"] == nil && plain["min_p"] == nil && plain["repetition_penalty"] == nil)
    }

    @Test(arguments: [(ToolChoice.auto, JSONValue.string("auto")), (.any, "required"), (.none, "none")])
    func toolChoices(choice: ToolChoice, expected: JSONValue) {
        let request = ChatRequest(
            model: "m", messages: [.user("hi")], tools: [ToolDefinition(name: "t", inputSchema: [:])], toolChoice: choice)
        #expect(OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions())["tool_choice"] == expected)
    }

    @Test func toolChoiceAndParallelFlagOmittedWithoutTools() {
        let request = ChatRequest(model: "m", messages: [.user("hi")], toolChoice: .any, parallelToolCalls: false)
        let body = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions())
        #expect(body["tool_choice"] == nil)
        #expect(body["parallel_tool_calls"] == nil)
        #expect(body["tools"] == nil)
    }

    @Test(arguments: [
        (ThinkingConfig?.some(.enabled(budgetTokens: 1024)), String?.none, JSONValue?.some("low")),
        (.enabled(budgetTokens: 4096), nil, "medium"),
        (.enabled(budgetTokens: 16384), nil, "high"),
        (.enabled(budgetTokens: nil), nil, "medium"),
        (.adaptive, nil, "medium"),
        (.disabled, nil, nil),
        (nil, nil, nil),
        (.adaptive, "low", "low"),
        (nil, "max", "high"),
    ])
    func reasoningEffortControl(thinking: ThinkingConfig?, effort: String?, expected: JSONValue?) {
        let request = ChatRequest(model: "m", messages: [.user("hi")], thinking: thinking, effort: effort)
        let body = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions(reasoning: .reasoningEffort))
        #expect(body["reasoning_effort"] == expected)
        #expect(body["chat_template_kwargs"] == nil)
    }

    static let templateKwargsCases: [(ThinkingConfig?, JSONValue?)] = [
        (.enabled(budgetTokens: 2048), ["enable_thinking": true]),
        (.adaptive, ["enable_thinking": true]),
        (.disabled, ["enable_thinking": false]),
        (nil, nil),
    ]

    @Test(arguments: templateKwargsCases)
    func chatTemplateKwargsControl(thinking: ThinkingConfig?, expected: JSONValue?) {
        let request = ChatRequest(model: "m", messages: [.user("hi")], thinking: thinking, effort: "high")
        let body = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions(reasoning: .chatTemplateKwargs))
        #expect(body["chat_template_kwargs"] == expected)
        #expect(body["reasoning_effort"] == nil)
    }

    @Test func noReasoningControlSendsNothing() {
        let request = ChatRequest(model: "m", messages: [.user("hi")], thinking: .enabled(budgetTokens: 8000), effort: "high")
        let body = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions())
        #expect(body["reasoning_effort"] == nil)
        #expect(body["chat_template_kwargs"] == nil)
    }

    @Test func inlineSystemMessageAfterToolOnlyTurnWaitsForTheResultsToEnd() throws {
        // A system message between two user turns that each carry one result of the same call round.
        let request = ChatRequest(
            model: "m",
            messages: [
                .user("go"),
                Message(
                    role: .assistant,
                    content: [
                        .toolUse(ToolUse(id: "a", name: "f", input: [:])), .toolUse(ToolUse(id: "b", name: "f", input: [:])),
                    ]
                ),
                Message(role: .system, content: [.text(TextContent("between the call and its results"))]),
                Message(role: .user, content: [.toolResult(ToolResult(toolUseID: "a", content: [.text(TextContent("A"))]))]),
                Message(role: .system, content: [.text(TextContent("between the results"))]),
                Message(role: .user, content: [.toolResult(ToolResult(toolUseID: "b", content: [.text(TextContent("B"))]))]),
                .assistant("done"),
            ]
        )
        let body = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions())
        let messages = try #require(body["messages"]?.arrayValue)
        #expect(messages.map { $0["role"]?.stringValue ?? "" } == ["user", "assistant", "tool", "tool", "system", "system", "assistant"])
        #expect(messages[4]["content"] == "between the call and its results")
        #expect(messages[5]["content"] == "between the results")
    }

    @Test func foldedSystemMessageWithoutUserTurnAroundItBecomesAUserTurnInPlace() throws {
        let request = ChatRequest(
            model: "m",
            messages: [
                .user("hi"), .assistant("hello"),
                Message(role: .system, content: [.text(TextContent("first")), .text(TextContent("second"))]),
            ]
        )
        let body = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions(systemMessages: .fold))
        #expect(
            body["messages"]
                == json(
                    #"""
                    [{"role":"user","content":"hi"},{"role":"assistant","content":"hello"},{"role":"user","content":"first\nsecond"}]
                    """#
                )
        )
    }

    @Test func foldedSystemMessagesBeforeTheFirstUserTurnArePrepended() {
        let request = ChatRequest(
            model: "m",
            messages: [
                Message(role: .system, content: [.text(TextContent("context"))]),
                .user("hi"),
            ]
        )
        let body = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions(systemMessages: .fold))
        #expect(body["messages"] == json(#"[{"role":"user","content":"context\nhi"}]"#))
    }

    @Test func toolResultsComeBeforeTextWrittenBeforeThem() {
        let request = ChatRequest(
            model: "m",
            messages: [
                .user("go"),
                Message(role: .assistant, content: [.toolUse(ToolUse(id: "a", name: "f", input: [:]))]),
                Message(
                    role: .user,
                    content: [
                        .text(TextContent("note first")),
                        .toolResult(ToolResult(toolUseID: "a", content: [.text(TextContent("line 1")), .text(TextContent("line 2"))])),
                    ]
                ),
            ]
        )
        let body = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions())
        let expected = json(
            #"""
            [{"role":"tool","tool_call_id":"a","content":"line 1\nline 2"},{"role":"user","content":"note first"}]
            """#
        )
        #expect((body["messages"]?.arrayValue?.suffix(2)).map(Array.init) == expected.arrayValue)
    }

    @Test func failedToolWithoutOutputStillSaysError() throws {
        let request = ChatRequest(
            model: "m",
            messages: [
                Message(role: .user, content: [.toolResult(ToolResult(toolUseID: "a", content: [], isError: true))])
            ]
        )
        let body = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions())
        #expect(body["messages"] == json(#"[{"role":"tool","tool_call_id":"a","content":"Error"}]"#))
    }

    @Test func assistantTurnWithOnlyThinkingHasEmptyContent() {
        let request = ChatRequest(
            model: "m",
            messages: [
                .user("hi"),
                Message(role: .assistant, content: [.thinking(Thinking("a", signature: "s")), .thinking(Thinking("b"))]),
            ]
        )
        let body = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions())
        #expect(body["messages"]?.arrayValue?.last == json(#"{"role":"assistant","content":"","reasoning_content":"a\nb"}"#))
    }

    @Test func documentsBecomeNotesSayingTheyWereLeftOutAndOtherAnthropicBlocksAreDropped() {
        let pdf = AnthropicOnlyContent(anthropicBlock: [
            "type": "document", "title": "Q3 report", "source": ["type": "base64", "media_type": "application/pdf", "data": "JVBERi0x"],
        ])
        let file = AnthropicOnlyContent(anthropicBlock: ["type": "document", "source": ["type": "file", "file_id": "file_01"]])
        let request = ChatRequest(
            model: "m",
            messages: [
                Message(role: .user, content: [.text(TextContent("Summarise")), .anthropicOnly(pdf)]),
                Message(role: .assistant, content: [.toolUse(ToolUse(id: "a", name: "Read", input: [:]))]),
                Message(
                    role: .user,
                    content: [
                        .toolResult(
                            ToolResult(
                                toolUseID: "a",
                                content: [
                                    .text(TextContent("PDF read")), .anthropicOnly(file),
                                    .anthropicOnly(
                                        AnthropicOnlyContent(anthropicBlock: ["type": "tool_reference", "tool_name": "NotebookEdit"])),
                                ]))
                    ]),
            ]
        )
        let messages = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions())["messages"]?.arrayValue
        #expect(
            messages?.first?["content"]?.stringValue
                == "Summarise\n[Attached document \"Q3 report\" (application/pdf) omitted: this model cannot read documents.]")
        #expect(
            messages?.last?["content"]?.stringValue
                == "PDF read\n[Attached document (a file) omitted: this model cannot read documents.]")
    }

    @Test func searchResultsBecomeTheirText() {
        let result = AnthropicOnlyContent(anthropicBlock: [
            "type": "search_result", "source": "https://wiki/vacation", "title": "Vacation policy",
            "content": [["type": "text", "text": "25 days a year."], ["type": "text", "text": "Carry over 5."]],
        ])
        let request = ChatRequest(
            model: "m", messages: [Message(role: .user, content: [.anthropicOnly(result), .text(TextContent("How many days?"))])])
        let messages = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions())["messages"]?.arrayValue
        #expect(
            messages?.first?["content"]?.stringValue
                == "Search result \"Vacation policy\" (https://wiki/vacation):\n25 days a year.\nCarry over 5.\nHow many days?")
    }

    @Test func emptySystemPromptSendsNoSystemMessage() {
        // Claude Code's billing line alone: nothing is left once it is removed.
        let request = ChatRequest(model: "m", system: [TextContent(Self.billingLine)], messages: [.user("hi")])
        let body = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions())
        #expect(body["messages"] == json(#"[{"role":"user","content":"hi"}]"#))
    }
}
