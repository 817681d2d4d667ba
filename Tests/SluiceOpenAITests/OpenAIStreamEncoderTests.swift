import SluiceCore
import SluiceOpenAI
import Testing

@Suite struct OpenAIStreamEncoderTests {
    static let usage = Usage(inputTokens: 20, outputTokens: 12, cacheReadInputTokens: 100, cacheCreationInputTokens: 5)

    /// An answer with thinking (and its signature), text and two tool calls, as a backend streams it.
    static let events: [StreamEvent] = [
        .messageStart(id: "msg_01XYZ", model: "claude-sonnet-4-5", usage: Usage(inputTokens: 20, cacheReadInputTokens: 100)),
        .blockStart(.thinking), .blockDelta(.thinking("Two files.")), .blockDelta(.signature("EqQB")), .blockStop,
        .blockStart(.text), .blockDelta(.text("Reading")), .blockDelta(.text("")), .blockDelta(.text(" both.")), .blockStop,
        .blockStart(.toolUse(id: "toolu_1", name: "Read")),
        .blockDelta(.toolInput(partialJSON: #"{"file_path":"#)), .blockDelta(.toolInput(partialJSON: #""a.swift"}"#)), .blockStop,
        .blockStart(.redactedThinking(data: "abc")), .blockStop,
        .blockStart(.toolUse(id: "toolu_2", name: "Read")), .blockDelta(.toolInput(partialJSON: #"{"file_path":"b.swift"}"#)), .blockStop,
        .messageEnd(stopReason: .toolUse, stopSequence: nil, usage: usage),
    ]

    static func chunk(_ delta: String, finish: String = "null") -> String {
        compact(
            #"{"id":"chatcmpl-01XYZ","object":"chat.completion.chunk","created":1731000000,"model":"claude-sonnet-4-5","choices":[{"index":0,"delta":"#
                + delta + #","finish_reason":"# + finish + "}]}"
        )
    }

    static let expectedChunks = [
        chunk(#"{"role":"assistant","content":""}"#),
        chunk(#"{"reasoning_content":"Two files."}"#),
        chunk(#"{"content":"Reading"}"#),
        chunk(#"{"content":" both."}"#),
        chunk(#"{"tool_calls":[{"index":0,"id":"toolu_1","type":"function","function":{"name":"Read","arguments":""}}]}"#),
        chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"file_path\":"}}]}"#),
        chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"\"a.swift\"}"}}]}"#),
        chunk(#"{"tool_calls":[{"index":1,"id":"toolu_2","type":"function","function":{"name":"Read","arguments":""}}]}"#),
        chunk(#"{"tool_calls":[{"index":1,"function":{"arguments":"{\"file_path\":\"b.swift\"}"}}]}"#),
        chunk("{}", finish: #""tool_calls""#),
    ]

    static func encode(_ events: [StreamEvent], includeUsage: Bool) -> [ServerSentEvent] {
        var encoder = OpenAIStreamEncoder(options: OpenAIStreamOptions(includeUsage: includeUsage), created: 1_731_000_000)
        return events.flatMap { encoder.encode($0) }
    }

    @Test func chunksWithoutUsage() {
        let frames = Self.encode(Self.events, includeUsage: false)
        #expect(frames.allSatisfy { $0.event == nil })
        #expect(frames.map(\.data) == Self.expectedChunks + ["[DONE]"])
    }

    @Test func usageChunkBeforeDoneWhenAsked() {
        let frames = Self.encode(Self.events, includeUsage: true)
        let usageChunk = compact(
            #"""
            {"id":"chatcmpl-01XYZ","object":"chat.completion.chunk","created":1731000000,"model":"claude-sonnet-4-5","choices":[],
             "usage":{"prompt_tokens":125,"completion_tokens":12,"total_tokens":137,"prompt_tokens_details":{"cached_tokens":100}}}
            """#
        )
        #expect(frames.map(\.data) == Self.expectedChunks + [usageChunk, "[DONE]"])
    }

    @Test func framesAreDataOnlyServerSentEvents() {
        let frame = Self.encode(Self.events, includeUsage: false).last
        #expect(frame?.encoded() == Array("data: [DONE]\n\n".utf8))
    }

    @Test func stopReasonsBecomeFinishReasons() {
        let cases: [(StopReason?, String)] = [
            (.endTurn, "stop"), (.stopSequence, "stop"), (.maxTokens, "length"), (.toolUse, "tool_calls"), (.refusal, "content_filter"),
            (.pauseTurn, "stop"), (nil, "stop"),
        ]
        for (stopReason, finishReason) in cases {
            let frames = Self.encode(
                [
                    .messageStart(id: "msg_1", model: "m", usage: Usage()),
                    .messageEnd(stopReason: stopReason, stopSequence: nil, usage: Usage()),
                ],
                includeUsage: false
            )
            let finish = frames.dropLast().last.map { json($0.data) }?["choices"]?.arrayValue?.first?["finish_reason"]
            #expect(finish == .string(finishReason), "\(String(describing: stopReason))")
        }
    }

    @Test func failureEndsTheStreamWithAnErrorPayloadAndNoDone() {
        var encoder = OpenAIStreamEncoder(options: OpenAIStreamOptions(includeUsage: true), created: 1)
        _ = encoder.encode(.messageStart(id: "msg_1", model: "m", usage: Usage()))
        _ = encoder.encode(.blockStart(.text))
        let frames = encoder.fail(.upstreamTimedOut("upstream sent nothing for 300 seconds"))
        #expect(
            frames == [
                ServerSentEvent(
                    data: #"{"error":{"message":"upstream sent nothing for 300 seconds","type":"api_error","param":null,"code":null}}"#
                )
            ]
        )
        #expect(encoder.encode(.blockDelta(.text("late"))).isEmpty)
        #expect(encoder.encode(.messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage())).isEmpty)
        #expect(encoder.fail(.internalFailure("again")).isEmpty)
    }

    @Test func nothingAfterTheEnd() {
        var encoder = OpenAIStreamEncoder(options: OpenAIStreamOptions(), created: 1)
        _ = encoder.encode(.messageStart(id: "msg_1", model: "m", usage: Usage()))
        #expect(encoder.encode(.messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage())).last?.data == "[DONE]")
        #expect(encoder.encode(.blockStart(.text)).isEmpty)
        #expect(encoder.fail(.internalFailure("late")).isEmpty)
    }

    @Test func streamWithoutMessageStartStillOpensWithTheRole() throws {
        var encoder = OpenAIStreamEncoder(options: OpenAIStreamOptions(), created: 1)
        let frames = encoder.encode(.blockStart(.text)) + encoder.encode(.blockDelta(.text("hi")))
        #expect(frames.count == 2)
        let first = json(frames[0].data)
        #expect(first["choices"]?.arrayValue?.first?["delta"] == ["role": "assistant", "content": ""])
        let id = try #require(first["id"]?.stringValue)
        #expect(id.hasPrefix("chatcmpl-"))
        #expect(json(frames[1].data)["id"]?.stringValue == id)
    }
}
