import SluiceCore
import SluiceOpenAI
import Testing

@Suite struct OpenAIStreamDecoderTests {
    /// A vLLM chunk around `choice` (the part after `"choices":[`).
    static func vLLM(_ choice: String) -> String {
        #"{"id":"chatcmpl-8f2c","object":"chat.completion.chunk","created":1731000000,"model":"Qwen/Qwen3-32B","choices":["#
            + choice + "]}"
    }

    static func delta(_ delta: String, finish: String = "null", extra: String = "") -> String {
        vLLM(#"{"index":0,"delta":"# + delta + #","logprobs":null,"finish_reason":"# + finish + extra + "}")
    }

    static let usageChunk = #"""
        {"id":"chatcmpl-8f2c","object":"chat.completion.chunk","created":1731000000,"model":"Qwen/Qwen3-32B","choices":[],"usage":{"prompt_tokens":1200,"total_tokens":1242,"completion_tokens":42,"prompt_tokens_details":{"cached_tokens":1024}}}
        """#

    static let usage = Usage(inputTokens: 176, outputTokens: 42, cacheReadInputTokens: 1024)

    // MARK: - Fixtures: realistic upstream streams

    static let textStream = sseBody([
        Self.delta(#"{"role":"assistant","content":""}"#),
        Self.delta(#"{"content":"Hello"}"#),
        Self.delta(#"{"content":", wörld 👋"}"#),
        Self.delta(#"{"content":"\n"}"#),
        Self.delta("{}", finish: #""stop""#, extra: #","stop_reason":null"#),
        usageChunk,
        "[DONE]",
    ])

    /// vLLM with a reasoning parser; newer versions send the text under both names.
    static let reasoningStream = sseBody([
        Self.delta(#"{"role":"assistant","content":""}"#),
        Self.delta(#"{"reasoning_content":"The user","reasoning":"The user"}"#),
        Self.delta(#"{"reasoning_content":" wants 2+2."}"#),
        Self.delta(#"{"content":"4"}"#),
        Self.delta("{}", finish: #""stop""#),
        usageChunk,
        "[DONE]",
    ])

    /// llama-server: two calls, arguments in fragments (the first one splitting `{"`), usage in the
    /// last chunk together with the finish reason.
    static let toolCallStream = sseBody([
        #"{"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"created":1731000000,"id":"chatcmpl-Lx","model":"gpt-oss-20b","object":"chat.completion.chunk"}"#,
        #"{"choices":[{"finish_reason":null,"index":0,"delta":{"content":"Checking both."}}],"object":"chat.completion.chunk"}"#,
        #"{"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_w1","type":"function","function":{"name":"get_weather","arguments":"{\""}}]}}],"object":"chat.completion.chunk"}"#,
        #"{"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"city\":\"Par"}}]}}],"object":"chat.completion.chunk"}"#,
        #"{"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"is\"}"}}]}}],"object":"chat.completion.chunk"}"#,
        #"{"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_t2","type":"function","function":{"name":"get_time","arguments":"{\"tz\":"}}]}}],"object":"chat.completion.chunk"}"#,
        #"{"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":" \"CET\"}"}}]}}],"object":"chat.completion.chunk"}"#,
        #"{"choices":[{"finish_reason":"tool_calls","index":0,"delta":{}}],"object":"chat.completion.chunk","usage":{"completion_tokens":31,"prompt_tokens":310,"total_tokens":341},"timings":{"prompt_n":310}}"#,
        "[DONE]",
    ])

    /// Parallel calls whose fragments arrive interleaved by index.
    static let interleavedToolCallStream = sseBody([
        Self.delta(
            #"{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"read","arguments":""}},{"index":1,"id":"call_b","type":"function","function":{"name":"grep","arguments":""}}]}"#
        ),
        Self.delta(#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"path\":"}}]}"#),
        Self.delta(#"{"tool_calls":[{"index":1,"function":{"arguments":"{\"pattern\":\"TODO"}}]}"#),
        Self.delta(#"{"tool_calls":[{"index":0,"function":{"arguments":"\"a.swift\"}"}}]}"#),
        Self.delta(#"{"tool_calls":[{"index":1,"function":{"arguments":"\",\"glob\":\"*.swift\"}"}}]}"#),
        Self.delta("{}", finish: #""tool_calls""#),
        "[DONE]",
    ])

    // MARK: - Streams

    @Test func textStream() throws {
        let events = try decodeStream(Self.textStream)
        #expect(
            events == [
                .blockStart(.text), .blockDelta(.text("Hello")), .blockDelta(.text(", wörld 👋")), .blockDelta(.text("\n")), .blockStop,
                .messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Self.usage),
            ]
        )
        let response = try accumulate(events)
        #expect(response.content == [.text(TextContent("Hello, wörld 👋\n"))])
        #expect(response.usage.totalInputTokens == 1200)
    }

    @Test func reasoningThenText() throws {
        let events = try decodeStream(Self.reasoningStream)
        #expect(
            events == [
                .blockStart(.thinking), .blockDelta(.thinking("The user")), .blockDelta(.thinking(" wants 2+2.")), .blockStop,
                .blockStart(.text), .blockDelta(.text("4")), .blockStop,
                .messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Self.usage),
            ]
        )
        #expect(try accumulate(events).content == [.thinking(Thinking("The user wants 2+2.")), .text(TextContent("4"))])
    }

    @Test func twoToolCallsWithArgumentFragments() throws {
        let events = try decodeStream(Self.toolCallStream)
        #expect(
            events == [
                .blockStart(.text), .blockDelta(.text("Checking both.")), .blockStop,
                .blockStart(.toolUse(id: "call_w1", name: "get_weather")),
                .blockDelta(.toolInput(partialJSON: #"{""#)), .blockDelta(.toolInput(partialJSON: #"city":"Par"#)),
                .blockDelta(.toolInput(partialJSON: #"is"}"#)),
                .blockStop,
                .blockStart(.toolUse(id: "call_t2", name: "get_time")),
                .blockDelta(.toolInput(partialJSON: #"{"tz":"#)), .blockDelta(.toolInput(partialJSON: #" "CET"}"#)),
                .blockStop,
                .messageEnd(stopReason: .toolUse, stopSequence: nil, usage: Usage(inputTokens: 310, outputTokens: 31)),
            ]
        )
        let response = try accumulate(events)
        #expect(
            response.content == [
                .text(TextContent("Checking both.")),
                .toolUse(ToolUse(id: "call_w1", name: "get_weather", input: ["city": "Paris"])),
                .toolUse(ToolUse(id: "call_t2", name: "get_time", input: ["tz": "CET"])),
            ]
        )
        #expect(response.stopReason == .toolUse)
    }

    @Test func interleavedToolCallsComeOutWholeAndInOrder() throws {
        let events = try decodeStream(Self.interleavedToolCallStream)
        #expect(
            events == [
                .blockStart(.toolUse(id: "call_a", name: "read")),
                .blockDelta(.toolInput(partialJSON: #"{"path":"#)), .blockDelta(.toolInput(partialJSON: #""a.swift"}"#)),
                .blockStop,
                .blockStart(.toolUse(id: "call_b", name: "grep")),
                .blockDelta(.toolInput(partialJSON: #"{"pattern":"TODO"#)), .blockDelta(.toolInput(partialJSON: #"","glob":"*.swift"}"#)),
                .blockStop,
                .messageEnd(stopReason: .toolUse, stopSequence: nil, usage: Usage()),
            ]
        )
        #expect(
            try accumulate(events).content == [
                .toolUse(ToolUse(id: "call_a", name: "read", input: ["path": "a.swift"])),
                .toolUse(ToolUse(id: "call_b", name: "grep", input: ["pattern": "TODO", "glob": "*.swift"])),
            ]
        )
    }

    @Test func interleavedCallThatNeverCompletesIsFlushedAtTheEnd() throws {
        let body = sseBody([
            Self.delta(#"{"tool_calls":[{"index":0,"id":"call_a","function":{"name":"f","arguments":"{\"x\":"}}]}"#),
            Self.delta(#"{"tool_calls":[{"index":1,"id":"call_b","function":{"name":"g","arguments":"{}"}}]}"#),
            Self.delta(#"{"tool_calls":[{"index":0,"function":{"arguments":"1"}}]}"#),
            Self.delta("{}", finish: #""tool_calls""#),
            "[DONE]",
        ])
        let events = try decodeStream(body)
        #expect(
            events == [
                .blockStart(.toolUse(id: "call_a", name: "f")), .blockDelta(.toolInput(partialJSON: #"{"x":"#)),
                .blockDelta(.toolInput(partialJSON: "1")), .blockStop,
                .blockStart(.toolUse(id: "call_b", name: "g")), .blockDelta(.toolInput(partialJSON: "{}")), .blockStop,
                .messageEnd(stopReason: .toolUse, stopSequence: nil, usage: Usage()),
            ]
        )
    }

    @Test func vLLMStopReasonStringIsTheStopSequence() throws {
        let body = sseBody([
            Self.delta(#"{"content":"42"}"#),
            Self.delta("{}", finish: #""stop""#, extra: #","stop_reason":"</answer>""#),
            "[DONE]",
        ])
        let events = try decodeStream(body)
        #expect(events.last == .messageEnd(stopReason: .stopSequence, stopSequence: "</answer>", usage: Usage()))
    }

    @Test func vLLMStopReasonTokenIDIsNoStopSequence() throws {
        let body = sseBody([
            Self.delta(#"{"content":"42"}"#), Self.delta("{}", finish: #""stop""#, extra: #","stop_reason":151645"#), "[DONE]",
        ])
        #expect(try decodeStream(body).last == .messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage()))
    }

    @Test func lengthIsMaxTokens() throws {
        let body = sseBody([Self.delta(#"{"content":"Once upon"}"#), Self.delta("{}", finish: #""length""#), "[DONE]"])
        #expect(try decodeStream(body).last == .messageEnd(stopReason: .maxTokens, stopSequence: nil, usage: Usage()))
    }

    @Test func contentFilterIsRefusal() throws {
        let body = sseBody([Self.delta("{}", finish: #""content_filter""#), "[DONE]"])
        #expect(try decodeStream(body) == [.messageEnd(stopReason: .refusal, stopSequence: nil, usage: Usage())])
    }

    @Test func toolCallsFinishWithoutCallsIsEndTurn() throws {
        let body = sseBody([Self.delta(#"{"content":"Nothing to call."}"#), Self.delta("{}", finish: #""tool_calls""#), "[DONE]"])
        #expect(try decodeStream(body).last == .messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage()))
    }

    @Test func toolCallsWithStopFinishAreToolUse() throws {
        let body = sseBody([
            Self.delta(#"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"ls","arguments":"{}"}}]}"#),
            Self.delta("{}", finish: #""stop""#),
            "[DONE]",
        ])
        #expect(try decodeStream(body).last == .messageEnd(stopReason: .toolUse, stopSequence: nil, usage: Usage()))
    }

    @Test func missingToolCallIDIsGenerated() throws {
        let body = sseBody([
            Self.delta(#"{"tool_calls":[{"index":0,"type":"function","function":{"name":"ls","arguments":"{}"}}]}"#),
            Self.delta("{}", finish: #""tool_calls""#),
            "[DONE]",
        ])
        guard case .blockStart(.toolUse(let id, let name)) = try decodeStream(body).first else {
            Issue.record("no tool call")
            return
        }
        #expect(id.hasPrefix("toolu_"))
        #expect(name == "ls")
    }

    @Test func newIDAtTheSameIndexIsANewCall() throws {
        // Some OpenAI-compatible servers number every call 0.
        let body = sseBody([
            Self.delta(#"{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"a","arguments":"{\"n\":1}"}}]}"#),
            Self.delta(#"{"tool_calls":[{"index":0,"id":"call_2","function":{"name":"b","arguments":"{\"n\":2}"}}]}"#),
            Self.delta("{}", finish: #""tool_calls""#),
            "[DONE]",
        ])
        #expect(
            try accumulate(decodeStream(body)).content == [
                .toolUse(ToolUse(id: "call_1", name: "a", input: ["n": 1])), .toolUse(ToolUse(id: "call_2", name: "b", input: ["n": 2])),
            ]
        )
    }

    @Test func whitespaceContentBetweenToolCallsDoesNotSplitThem() throws {
        let body = sseBody([
            Self.delta(#"{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"a","arguments":"{\"n\":"}}]}"#),
            Self.delta(#"{"content":"\n"}"#),
            Self.delta(#"{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}"#),
            Self.delta("{}", finish: #""tool_calls""#),
            "[DONE]",
        ])
        #expect(try accumulate(decodeStream(body)).content == [.toolUse(ToolUse(id: "call_1", name: "a", input: ["n": 1]))])
    }

    @Test func textAfterToolCallsGetsItsOwnBlock() throws {
        let body = sseBody([
            Self.delta(#"{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"a","arguments":"{}"}}]}"#),
            Self.delta(#"{"content":"Done."}"#),
            Self.delta("{}", finish: #""tool_calls""#),
            "[DONE]",
        ])
        #expect(
            try accumulate(decodeStream(body)).content == [
                .toolUse(ToolUse(id: "call_1", name: "a", input: [:])), .text(TextContent("Done.")),
            ]
        )
    }

    @Test func argumentsSentAsAnObjectAreSerialized() throws {
        let body = sseBody([
            Self.delta(#"{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"a","arguments":{"q":"x","n":1}}}]}"#),
            Self.delta("{}", finish: #""tool_calls""#),
            "[DONE]",
        ])
        #expect(try accumulate(decodeStream(body)).content == [.toolUse(ToolUse(id: "call_1", name: "a", input: ["q": "x", "n": 1]))])
    }

    @Test func endOfInputAfterAFinishReasonEndsTheMessage() throws {
        let body = sseBody([Self.delta(#"{"content":"ok"}"#), Self.delta("{}", finish: #""stop""#), Self.usageChunk])
        let events = try decodeStream(body)
        #expect(events.last == .messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Self.usage))
        #expect(try accumulate(events).content == [.text(TextContent("ok"))])
    }

    @Test func endOfInputBeforeAFinishReasonFails() {
        let body = sseBody([Self.delta(#"{"content":"Once upon a"}"#)])
        #expect(throws: SluiceError.upstreamFailed("upstream stream ended early")) { try decodeStream(body) }
    }

    @Test func errorEventThrowsTheMappedError() {
        let body = sseBody([
            Self.delta(#"{"content":"partial"}"#),
            #"{"error":{"object":"error","message":"The engine is overloaded.","type":"ServiceUnavailableError","param":null,"code":503}}"#,
        ])
        #expect(throws: SluiceError(.overloaded, "The engine is overloaded.")) { try decodeStream(body) }
    }

    @Test func errorEventWithoutStatusIsAnUpstreamFailure() {
        let body = sseBody([#"{"error":{"message":"CUDA out of memory","type":"server_error"}}"#])
        #expect(throws: SluiceError.upstreamFailed("upstream stream failed: CUDA out of memory")) { try decodeStream(body) }
    }

    @Test func invalidJSONThrowsUpstreamFailed() {
        let body = sseBody([Self.delta(#"{"content":"ok"}"#), #"{"choices":[{"delta":{"content":"x"#])
        do {
            _ = try decodeStream(body)
            Issue.record("expected an error")
        } catch {
            #expect(error.category == .upstreamFailed)
            #expect(error.message.hasPrefix("upstream sent invalid JSON in a stream event: "))
        }
    }

    @Test func eventsAfterDoneAreIgnored() throws {
        var decoder = OpenAIStreamDecoder()
        _ = try decoder.decode(ServerSentEvent(data: Self.delta(#"{"content":"a"}"#)))
        let end = try decoder.decode(ServerSentEvent(data: "[DONE]"))
        #expect(end == [.blockStop, .messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage())])
        #expect(try decoder.decode(ServerSentEvent(data: Self.delta(#"{"content":"b"}"#))).isEmpty)
        #expect(try decoder.finish().isEmpty)
    }

    // MARK: - Chunk boundaries

    static let allStreams: [[UInt8]] = [
        textStream, reasoningStream, toolCallStream, interleavedToolCallStream,
        sseBody([Self.delta(#"{"content":"42"}"#), Self.delta("{}", finish: #""stop""#, extra: #","stop_reason":"</answer>""#), "[DONE]"]),
        // CRLF line endings, as some proxies send them.
        Array(
            String(decoding: textStream, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
                .utf8),
    ]

    @Test(arguments: allStreams.indices)
    func everyChunkBoundaryYieldsTheSameEvents(stream: Int) throws {
        let body = Self.allStreams[stream]
        let whole = try decodeStream(body)
        #expect(whole.count > 2)
        _ = try accumulate(whole)  // well formed: the accumulator throws on a malformed stream
        for cut in 0...body.count {
            let split = try decodeStream(body, cuts: [cut])
            guard split == whole else {
                Issue.record("stream \(stream) split at byte \(cut) decodes differently: \(split)")
                return
            }
        }
        #expect(try decodeStreamByteByByte(body) == whole)
    }
}
