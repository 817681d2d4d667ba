import SluiceAnthropic
import SluiceCore
import Testing

@Suite struct AnthropicRequestDecoderTests {
    private func decode(_ text: String, beta: String? = nil, endpoint: AnthropicRequestDecoder.Endpoint = .messages) throws -> ChatRequest {
        try AnthropicRequestDecoder.decode(try Fixtures.json(text), betaHeader: beta, endpoint: endpoint)
    }

    /// The message of the error decoding `text` throws, or `nil` when it decodes.
    private func failure(_ text: String, endpoint: AnthropicRequestDecoder.Endpoint = .messages) throws -> String? {
        let body = try Fixtures.json(text)
        do {
            _ = try AnthropicRequestDecoder.decode(body, betaHeader: nil, endpoint: endpoint)
            return nil
        } catch {
            #expect(error.category == .invalidRequest)
            #expect(error.httpStatus == 400)
            return error.message
        }
    }

    @Test func decodesClaudeCodeRequest() throws {
        let request = try decode(Fixtures.claudeCodeRequest, beta: Fixtures.betaHeader)

        #expect(request.model == "claude-sonnet-4-5-20250929")
        #expect(request.maxTokens == 32000)
        #expect(request.stream)
        #expect(request.system.map(\.text).first == "x-anthropic-billing-header: cc_version=2.1.3; cc_entrypoint=cli; cch=abc123;")
        #expect(request.system.map(\.cacheControl) == [nil, ["type": "ephemeral"], ["type": "ephemeral", "ttl": "1h"]])
        #expect(request.messages.map(\.role) == [.user, .system, .assistant, .user])
        #expect(
            request.messages[1]
                == Message(
                    role: .system, content: [.text(TextContent("The user switched to plan mode."))],
                    anthropicExtraFields: ["output_config": ["effort": "low"]]))
        #expect(
            request.messages[0].content[1]
                == .text(TextContent("Fix the failing test in Sources/App/Parser.swift", cacheControl: ["type": "ephemeral"]))
        )
        #expect(
            request.messages[2].content == [
                .thinking(Thinking("I should read the parser first.", signature: "EqQBCkYIBxgCKkBsig==")),
                .text(TextContent("Let me look at the parser.")),
                .toolUse(
                    ToolUse(
                        id: "toolu_01A09q90qw90lq917835lq9", name: "Read",
                        input: ["file_path": "/repo/Sources/App/Parser.swift", "limit": 200])
                ),
            ]
        )
        #expect(
            request.messages[3].content == [
                .toolResult(
                    ToolResult(toolUseID: "toolu_01A09q90qw90lq917835lq9", content: [.text(TextContent("     1\tstruct Parser {}"))])),
                .text(TextContent("<system-reminder>Remember the todo list.</system-reminder>", cacheControl: ["type": "ephemeral"])),
            ]
        )
        #expect(request.thinking == .adaptive)
        #expect(request.effort == "medium")
        #expect(request.user == Fixtures.userID)
        #expect(request.tools.map(\.name) == ["Read", "WebFetch", "Bash"])
        #expect(request.tools[2].cacheControl == ["type": "ephemeral"])
        #expect(request.anthropicBeta == ["claude-code-20250219", "interleaved-thinking-2025-05-14", "context-management-2025-06-27"])
    }

    @Test func uninterpretedTopLevelFieldsAreKeptVerbatim() throws {
        let request = try decode(Fixtures.claudeCodeRequest)
        #expect(request.anthropicExtraFields.keys == ["thinking", "context_management", "output_config"])
        #expect(request.anthropicExtraFields["context_management"] == ["edits": [["type": "clear_thinking_20251015", "keep": "all"]]])
        #expect(request.anthropicExtraFields["output_config"] == ["effort": "medium"])
        // `display` has no canonical field, so the client's thinking object travels along.
        #expect(request.anthropicExtraFields["thinking"] == ["type": "adaptive", "display": "omitted"])
    }

    @Test func thinkingWithoutExtraKeysStaysOutOfExtraFields() throws {
        let request = try decode(
            #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"thinking":{"type":"enabled","budget_tokens":2048}}"#
        )
        #expect(request.thinking == .enabled(budgetTokens: 2048))
        #expect(request.anthropicExtraFields.isEmpty)
    }

    @Test func inputSchemaKeepsKeyOrder() throws {
        let request = try decode(Fixtures.claudeCodeRequest)
        #expect(request.tools[0].inputSchema.serializedString() == Fixtures.readSchema)
        #expect(request.tools[1].inputSchema.objectValue?.keys == ["$schema", "type", "properties", "required", "additionalProperties"])
    }

    @Test func serverToolsAreKeptApartFromCustomTools() throws {
        let request = try decode(
            """
            {"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"tools":[
              {"type":"web_search_20250305","name":"web_search","max_uses":5},
              {"type":"custom","name":"lookup","input_schema":{"type":"object"}},
              {"type":"text_editor_20250728","name":"str_replace_based_edit_tool"}
            ]}
            """
        )
        #expect(
            request.tools == [ToolDefinition(name: "lookup", inputSchema: ["type": "object"], anthropicExtraFields: ["type": "custom"])])
        #expect(
            request.anthropicServerTools == [
                ["type": "web_search_20250305", "name": "web_search", "max_uses": 5],
                ["type": "text_editor_20250728", "name": "str_replace_based_edit_tool"],
            ])
    }

    @Test func unknownFieldsAreIgnoredEverywhere() throws {
        let request = try decode(
            """
            {"model":"m","max_tokens":5,"future_top_level":{"x":1},
             "messages":[{"role":"user","content":[{"type":"text","text":"hi","citations":null,"future":1},
                                                  {"type":"future_block","source":"s","content":[]}],"name":"alice"}],
             "metadata":{"user_id":"u1","trace":"t"},
             "tools":[{"name":"t","input_schema":{"type":"object"},"defer_loading":true,"strict":true}],
             "tool_choice":{"type":"any","future":"x"},
             "thinking":{"type":"disabled"}}
            """
        )
        // Unknown blocks are skipped; unknown message and tool fields are kept aside for Anthropic
        // upstreams, never refused.
        #expect(request.messages == [Message(role: .user, content: [.text(TextContent("hi"))], anthropicExtraFields: ["name": "alice"])])
        #expect(request.tools.first?.anthropicExtraFields == ["defer_loading": true, "strict": true])
        #expect(request.user == "u1")
        #expect(request.toolChoice == .any)
        #expect(request.thinking == .disabled)
        #expect(request.anthropicExtraFields == JSONObject([("future_top_level", ["x": 1])]))
    }

    @Test func contentBlocksOfEveryKind() throws {
        let request = try decode(
            """
            {"model":"m","max_tokens":1,"messages":[
              {"role":"user","content":[
                {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="},"cache_control":{"type":"ephemeral"}},
                {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}},
                {"type":"document","source":{"type":"text","media_type":"text/plain","data":"plain notes"},"title":"notes.txt"},
                {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"}}
              ]},
              {"role":"assistant","content":[
                {"type":"redacted_thinking","data":"EmwKAhgB"},
                {"type":"thinking","thinking":"unsigned"},
                {"type":"tool_use","id":"toolu_9","name":"Bash","input":{"command":"ls"},"cache_control":{"type":"ephemeral"}}
              ]},
              {"role":"user","content":[
                {"type":"tool_result","tool_use_id":"toolu_9","content":"a.txt","is_error":true},
                {"type":"tool_result","tool_use_id":"toolu_8"},
                {"type":"tool_result","tool_use_id":"toolu_7","content":[
                  {"type":"text","text":"see image"},
                  {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/"}},
                  {"type":"tool_reference","tool_name":"x"}
                ]}
              ]}
            ]}
            """
        )
        #expect(
            request.messages[0].content == [
                .image(ImageContent(source: .base64(mediaType: "image/png", data: "iVBORw0KGgo="), cacheControl: ["type": "ephemeral"])),
                .image(ImageContent(source: .url("https://example.com/cat.jpg"))),
                .text(TextContent("plain notes")),
                .anthropicOnly(
                    AnthropicOnlyContent(anthropicBlock: [
                        "type": "document", "source": ["type": "base64", "media_type": "application/pdf", "data": "JVBERi0x"],
                    ])),
            ]
        )
        #expect(
            request.messages[1].content == [
                .redactedThinking(data: "EmwKAhgB"),
                .thinking(Thinking("unsigned")),
                .toolUse(ToolUse(id: "toolu_9", name: "Bash", input: ["command": "ls"], cacheControl: ["type": "ephemeral"])),
            ]
        )
        #expect(
            request.messages[2].content == [
                .toolResult(ToolResult(toolUseID: "toolu_9", content: [.text(TextContent("a.txt"))], isError: true)),
                .toolResult(ToolResult(toolUseID: "toolu_8", content: [])),
                .toolResult(
                    ToolResult(
                        toolUseID: "toolu_7",
                        content: [
                            .text(TextContent("see image")), .image(ImageContent(source: .base64(mediaType: "image/jpeg", data: "/9j/"))),
                            .anthropicOnly(AnthropicOnlyContent(anthropicBlock: ["type": "tool_reference", "tool_name": "x"])),
                        ]
                    )
                ),
            ]
        )
    }

    @Test func scalarFieldsAreRead() throws {
        let request = try decode(
            #"{"model":"m","max_tokens":100,"messages":[{"role":"user","content":"hi"}],"system":"Be brief.","temperature":0,"top_p":0.9,"top_k":40,"min_p":0.1,"repetition_penalty":1.05,"seed":7,"stop_sequences":["\n\nHuman:","END"]}"#
        )
        #expect(request.system == [TextContent("Be brief.")])
        #expect(request.temperature == 0)
        #expect(request.topP == 0.9)
        #expect(request.topK == 40)
        #expect(request.minP == 0.1 && request.repetitionPenalty == 1.05 && request.seed == 7)
        #expect(request.anthropicExtraFields.isEmpty)
        #expect(request.stopSequences == ["\n\nHuman:", "END"])
        #expect(request.stream == false)
        #expect(request.toolChoice == nil)
        #expect(request.parallelToolCalls == nil)
        #expect(request.thinking == nil)
        #expect(request.anthropicBeta == [])
    }

    @Test(
        arguments: [
            (#"{"type":"auto"}"#, ToolChoice.auto, Bool?.none),
            (#"{"type":"any","disable_parallel_tool_use":true}"#, .any, false),
            (#"{"type":"auto","disable_parallel_tool_use":false}"#, .auto, true),
            (#"{"type":"tool","name":"Read"}"#, .tool(name: "Read"), nil),
            (#"{"type":"none"}"#, ToolChoice.none, nil),
        ]
    )
    func toolChoiceIsRead(json: String, choice: ToolChoice, parallel: Bool?) throws {
        let request = try decode(#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"tool_choice":\#(json)}"#)
        #expect(request.toolChoice == choice)
        #expect(request.parallelToolCalls == parallel)
    }

    @Test func countTokensDoesNotRequireMaxTokens() throws {
        let body = #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#
        #expect(try decode(body, endpoint: .countTokens).maxTokens == nil)
        #expect(try failure(body) == "max_tokens: field required")
        #expect(
            try failure(#"{"model":"m","max_tokens":"9","messages":[{"role":"user","content":"hi"}]}"#, endpoint: .countTokens)
                == "max_tokens: expected an integer"
        )
    }

    @Test(
        arguments: [
            (#"[]"#, "body: expected an object"),
            (#"{"max_tokens":1,"messages":[{"role":"user","content":"hi"}]}"#, "model: field required"),
            (#"{"model":7,"max_tokens":1,"messages":[]}"#, "model: expected a string"),
            (#"{"model":"m","max_tokens":1}"#, "messages: field required"),
            (#"{"model":"m","max_tokens":1,"messages":[]}"#, "messages: at least one message is required"),
            (#"{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"hi"}]}"#, "max_tokens: must be at least 1"),
            (#"{"model":"m","max_tokens":1.5,"messages":[{"role":"user","content":"hi"}]}"#, "max_tokens: expected an integer"),
            (
                #"{"model":"m","max_tokens":1,"messages":[{"role":"tool","content":"hi"}]}"#,
                #"messages[0].role: expected "user", "assistant" or "system""#
            ),
            (#"{"model":"m","max_tokens":1,"messages":[{"content":"hi"}]}"#, "messages[0].role: field required"),
            (#"{"model":"m","max_tokens":1,"messages":[{"role":"user"}]}"#, "messages[0].content: field required"),
            (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":7}]}"#, "messages[0].content: expected an array"),
            (
                #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},{"role":"user","content":[{"type":3}]}]}"#,
                "messages[2].content[0].type: expected a string"
            ),
            (
                #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"text":"b"}]}]}"#,
                "messages[0].content[1].type: field required"
            ),
            (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":["hi"]}]}"#, "messages[0].content[0]: expected an object"),
            (
                #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"text"}]}]}"#,
                "messages[0].content[0].text: field required"
            ),
            (
                #"{"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"n","input":"ls"}]}]}"#,
                "messages[0].content[0].input: expected an object"
            ),
            (
                #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":1}]}]}]}"#,
                "messages[0].content[0].content[0].text: expected a string"
            ),
            (
                #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]}"#,
                #"messages[0].content[0].source.type: image source "file" is not supported; use base64 or url"#
            ),
            (
                #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"system":[{"type":"text","text":1}]}"#,
                "system[0].text: expected a string"
            ),
            (
                #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"temperature":"hot"}"#,
                "temperature: expected a number"
            ),
            (#"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"stream":"yes"}"#, "stream: expected a boolean"),
            (
                #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"metadata":{"user_id":5}}"#,
                "metadata.user_id: expected a string"
            ),
            (
                #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"t"}]}"#,
                "tools[0].input_schema: field required"
            ),
            (
                #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"tools":[{"input_schema":{}}]}"#,
                "tools[0].name: field required"
            ),
            (
                #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"t","input_schema":[]}]}"#,
                "tools[0].input_schema: expected an object"
            ),
            (
                #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"tool_choice":{"type":"required"}}"#,
                #"tool_choice.type: expected "auto", "any", "tool" or "none""#
            ),
            (
                #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"tool_choice":{"type":"tool"}}"#,
                "tool_choice.name: field required"
            ),
            (
                #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"thinking":{"type":"on"}}"#,
                #"thinking.type: expected "enabled", "adaptive" or "disabled""#
            ),
            (
                #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"output_config":{"effort":2}}"#,
                "output_config.effort: expected a string"
            ),
            (
                #"{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"min_p":-0.1}"#,
                "min_p: must be between 0 and 1"
            ),
        ]
    )
    func errorsNameTheField(body: String, message: String) throws {
        #expect(try failure(body) == message)
    }
}
