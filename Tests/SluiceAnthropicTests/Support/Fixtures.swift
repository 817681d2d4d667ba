import SluiceAnthropic
import SluiceCore

/// Realistic bodies and streams, shaped like what Claude Code and Anthropic actually send.
enum Fixtures {
    static let readSchema =
        #"{"type":"object","properties":{"file_path":{"type":"string","description":"The absolute path to the file to read"},"offset":{"type":"number"},"limit":{"type":"number"}},"required":["file_path"],"additionalProperties":false,"$schema":"http://json-schema.org/draft-07/schema#"}"#

    static let userID = #"{"device_id":"5f1c9a0e7b","account_uuid":"","session_id":"0b6d2c1e-88aa-4f3e-9d2b-5c7e1a9f3b10"}"#

    /// A Claude Code 2.1 first-turn-after-tool-use request, trimmed to a few tools.
    static let claudeCodeRequest = """
        {
          "model": "claude-sonnet-4-5-20250929",
          "messages": [
            {"role": "user", "content": [
              {"type": "text", "text": "<system-reminder>\\nThis is a reminder that your todo list is empty.\\n</system-reminder>"},
              {"type": "text", "text": "Fix the failing test in Sources/App/Parser.swift", "cache_control": {"type": "ephemeral"}}
            ]},
            {"role": "system", "content": "The user switched to plan mode.", "output_config": {"effort": "low"}},
            {"role": "assistant", "content": [
              {"type": "thinking", "thinking": "I should read the parser first.", "signature": "EqQBCkYIBxgCKkBsig=="},
              {"type": "text", "text": "Let me look at the parser."},
              {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "Read", "input": {"file_path": "/repo/Sources/App/Parser.swift", "limit": 200}}
            ]},
            {"role": "user", "content": [
              {"type": "tool_result", "tool_use_id": "toolu_01A09q90qw90lq917835lq9", "content": [{"type": "text", "text": "     1\\tstruct Parser {}"}]},
              {"type": "text", "text": "<system-reminder>Remember the todo list.</system-reminder>", "cache_control": {"type": "ephemeral"}}
            ]}
          ],
          "system": [
            {"type": "text", "text": "x-anthropic-billing-header: cc_version=2.1.3; cc_entrypoint=cli; cch=abc123;"},
            {"type": "text", "text": "You are Claude Code, Anthropic's official CLI for Claude.", "cache_control": {"type": "ephemeral"}},
            {"type": "text", "text": "You are an interactive CLI tool that helps users with software engineering tasks.", "cache_control": {"type": "ephemeral", "ttl": "1h"}}
          ],
          "tools": [
            {"name": "Read", "description": "Reads a file from the local filesystem.", "input_schema": \(readSchema)},
            {"name": "WebFetch", "description": "Fetches content from a URL.", "defer_loading": true, "input_schema": {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "properties": {"url": {"type": "string", "format": "uri"}, "prompt": {"type": "string"}}, "required": ["url", "prompt"], "additionalProperties": false}},
            {"type": "web_search_20250305", "name": "web_search", "max_uses": 5},
            {"name": "Bash", "description": "Runs a shell command.", "input_schema": {"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]}, "cache_control": {"type": "ephemeral"}}
          ],
          "metadata": {"user_id": \(JSONValue.string(userID).serializedString())},
          "max_tokens": 32000,
          "thinking": {"type": "adaptive", "display": "omitted"},
          "context_management": {"edits": [{"type": "clear_thinking_20251015", "keep": "all"}]},
          "output_config": {"effort": "medium"},
          "stream": true
        }
        """

    static let betaHeader = "claude-code-20250219, interleaved-thinking-2025-05-14,context-management-2025-06-27 ,"

    /// An Anthropic upstream's stream: a ping, thinking, a server-side web search Sluice skips,
    /// text with multi-byte characters, a tool call streamed in fragments, usage in `message_delta`.
    static let upstreamStream = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":472,"cache_creation_input_tokens":1024,"cache_read_input_tokens":20480,"output_tokens":2}}}

        event: ping
        data: {"type": "ping"}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"The user wants the weather – "}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"search first."}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"server_tool_use","id":"srvtoolu_014hJH82Qum7Td6UV8gDXThB","name":"web_search","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"query\\": \\"weather Zürich\\"}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":1}

        event: content_block_start
        data: {"type":"content_block_start","index":2,"content_block":{"type":"web_search_tool_result","tool_use_id":"srvtoolu_014hJH82Qum7Td6UV8gDXThB","content":[]}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":2}

        event: content_block_start
        data: {"type":"content_block_start","index":3,"content_block":{"type":"text","text":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":3,"delta":{"type":"text_delta","text":"In Zürich it is 12 °C ☁️"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":3,"delta":{"type":"text_delta","text":" — I'll save a note 📝."}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":3}

        event: content_block_start
        data: {"type":"content_block_start","index":4,"content_block":{"type":"tool_use","id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","name":"Write","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":4,"delta":{"type":"input_json_delta","partial_json":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":4,"delta":{"type":"input_json_delta","partial_json":"{\\"path\\": \\"notes.md\\", "}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":4,"delta":{"type":"input_json_delta","partial_json":"\\"text\\": \\"12 °C\\"}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":4}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}

        event: message_stop
        data: {"type":"message_stop"}


        """

    /// What ``upstreamStream`` means in canonical events.
    static let upstreamEvents: [StreamEvent] = [
        .messageStart(
            id: "msg_01XFDUDYJgAACzvnptvVoYEL",
            model: "claude-sonnet-4-5-20250929",
            usage: Usage(inputTokens: 472, outputTokens: 2, cacheReadInputTokens: 20480, cacheCreationInputTokens: 1024)
        ),
        .blockStart(.thinking),
        .blockDelta(.thinking("The user wants the weather – ")),
        .blockDelta(.thinking("search first.")),
        .blockDelta(.signature("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds")),
        .blockStop,
        .blockStart(
            .anthropicOnly(["type": "server_tool_use", "id": "srvtoolu_014hJH82Qum7Td6UV8gDXThB", "name": "web_search", "input": [:]])),
        .blockDelta(.toolInput(partialJSON: #"{"query": "weather Zürich"}"#)),
        .blockStop,
        .blockStart(.anthropicOnly(["type": "web_search_tool_result", "tool_use_id": "srvtoolu_014hJH82Qum7Td6UV8gDXThB", "content": []])),
        .blockStop,
        .blockStart(.text),
        .blockDelta(.text("In Zürich it is 12 °C ☁️")),
        .blockDelta(.text(" — I'll save a note 📝.")),
        .blockStop,
        .blockStart(.toolUse(id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "Write")),
        .blockDelta(.toolInput(partialJSON: #"{"path": "notes.md", "#)),
        .blockDelta(.toolInput(partialJSON: #""text": "12 °C"}"#)),
        .blockStop,
        .messageEnd(
            stopReason: .toolUse,
            stopSequence: nil,
            usage: Usage(inputTokens: 472, outputTokens: 89, cacheReadInputTokens: 20480, cacheCreationInputTokens: 1024)
        ),
    ]

    /// Complete responses of every shape a model answers with.
    static let responses: [ChatResponse] = [
        ChatResponse(
            id: "msg_text",
            model: "claude-haiku-4-5",
            content: [.text(TextContent("Hello! How can I help? 👋"))],
            stopReason: .endTurn,
            usage: Usage(inputTokens: 12, outputTokens: 9)
        ),
        ChatResponse(
            id: "msg_full",
            model: "claude-opus-4-1",
            content: [
                .thinking(Thinking("Two files to read.\nStart with main.", signature: "sig-abc")),
                .redactedThinking(data: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"),
                .text(TextContent("I'll read both files.")),
                .toolUse(ToolUse(id: "toolu_1", name: "Read", input: ["file_path": "/a/main.swift", "limit": 40])),
                .toolUse(ToolUse(id: "toolu_2", name: "TodoRead", input: [:])),
            ],
            stopReason: .toolUse,
            usage: Usage(inputTokens: 3, outputTokens: 120, cacheReadInputTokens: 50_000, cacheCreationInputTokens: 2_048)
        ),
        ChatResponse(
            id: "msg_stop",
            model: "local-qwen",
            content: [.text(TextContent("1, 2, 3"))],
            stopReason: .stopSequence,
            stopSequence: "4",
            usage: Usage(inputTokens: 30, outputTokens: 7)
        ),
        ChatResponse(id: "msg_empty", model: "m", content: [], stopReason: .maxTokens, usage: Usage(inputTokens: 1)),
        ChatResponse(
            id: "msg_search",
            model: "claude-sonnet-4-5",
            content: webSearchAnswer,
            stopReason: .endTurn,
            usage: Usage(inputTokens: 2095, outputTokens: 503)
        ),
    ]

    /// An answer that used Anthropic's web search: the server tool's call and result, then cited text.
    static let webSearchAnswer: [ContentBlock] = [
        .anthropicOnly(
            AnthropicOnlyContent(anthropicBlock: [
                "type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": ["query": "swift 6.3"],
            ])),
        .anthropicOnly(
            AnthropicOnlyContent(anthropicBlock: [
                "type": "web_search_tool_result", "tool_use_id": "srvtoolu_1",
                "content": [["type": "web_search_result", "url": "https://swift.org", "title": "Swift", "encrypted_content": "Eo8B"]],
            ])),
        .text(
            TextContent(
                "Swift 6.3 is out.",
                citations: [
                    [
                        "type": "web_search_result_location", "url": "https://swift.org", "title": "Swift", "cited_text": "Swift 6.3",
                        "encrypted_index": "Eo8",
                    ]
                ])),
    ]

    static func json(_ text: String) throws -> JSONValue {
        try JSONParser.parse(text)
    }

    /// The SSE frames of `text`, split the way an upstream body is.
    static func parseEvents(_ chunks: [some Collection<UInt8>]) throws -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        for chunk in chunks { events += try parser.feed(chunk) }
        if let last = parser.finish() { events.append(last) }
        return events
    }

    static func bytes(of frames: [ServerSentEvent]) -> [UInt8] {
        frames.flatMap { $0.encoded() }
    }

    /// Decodes upstream frames as a remote backend does, finishing at the end.
    static func decode(_ frames: [ServerSentEvent]) throws(SluiceError) -> [StreamEvent] {
        var decoder = AnthropicStreamDecoder()
        var events: [StreamEvent] = []
        for frame in frames { events += try decoder.decode(frame) }
        events += try decoder.finish()
        return events
    }

    static func encode(_ events: [StreamEvent]) -> [ServerSentEvent] {
        var encoder = AnthropicStreamEncoder()
        return events.flatMap { encoder.encode($0) }
    }

    static func accumulate(_ events: [StreamEvent]) throws(SluiceError) -> ChatResponse {
        var accumulator = ResponseAccumulator()
        for event in events { try accumulator.consume(event) }
        return try accumulator.response()
    }
}
