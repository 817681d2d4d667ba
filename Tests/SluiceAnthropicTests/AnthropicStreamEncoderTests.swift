import SluiceAnthropic
import SluiceCore
import Testing

@Suite struct AnthropicStreamEncoderTests {
    private let start = StreamEvent.messageStart(
        id: "msg_1", model: "claude-sonnet-4-5", usage: Usage(inputTokens: 40, cacheReadInputTokens: 9000))
    private let end = StreamEvent.messageEnd(
        stopReason: .endTurn,
        stopSequence: nil,
        usage: Usage(inputTokens: 40, outputTokens: 7, cacheReadInputTokens: 9000)
    )

    private func read(_ frames: [ServerSentEvent]) throws -> StreamingClient {
        var client = StreamingClient()
        try client.read(frames)
        return client
    }

    @Test func responseStreamIsWhatClientsExpect() throws {
        let frames = Fixtures.encode(Fixtures.responses[1].events)
        let client = try read(frames)
        #expect(client.finished)
        #expect(client.blocks.map(\.type) == ["thinking", "redacted_thinking", "text", "tool_use", "tool_use"])
        #expect(client.blocks[0].accumulated == "Two files to read.\nStart with main.")
        #expect(client.blocks[0].signatureDeltas == 1)
        #expect(client.blocks[3].accumulated == #"{"file_path":"/a/main.swift","limit":40}"#)
        #expect(client.stopReason == "tool_use")
        #expect(!frames.contains { $0.data.contains("[DONE]") })
    }

    @Test func aResponsesUpstreamsBuiltInCallIsLeftOutAndTheIndicesStayContiguous() throws {
        let search: JSONObject = ["type": "web_search_call", "id": "ws_1"]
        let events: [StreamEvent] = [
            start, .blockStart(.text), .blockDelta(.text("Looking.")), .blockStop,
            .blockStart(.responsesOnly(search)), .blockDelta(.responsesOnlyEvent(["type": "response.web_search_call.searching"])),
            .blockDelta(.responsesOnlyItem(search)), .blockStop,
            .blockStart(.text), .blockDelta(.text("Sunny.")), .blockStop, end,
        ]
        let client = try read(Fixtures.encode(events))
        #expect(client.finished)
        #expect(client.blocks.map(\.type) == ["text", "text"])
        #expect(client.blocks.map(\.accumulated) == ["Looking.", "Sunny."])
        var accumulator = ResponseAccumulator()
        for event in events { try accumulator.consume(event) }
        #expect(AnthropicResponseEncoder.encode(try accumulator.response())["content"]?.arrayValue?.count == 2)
    }

    @Test func framesAreCompactJSONNamedByType() {
        let frames = Fixtures.encode([start, .blockStart(.text), .blockDelta(.text("Hi \"there\"\n")), .blockStop, end])
        #expect(
            frames == [
                ServerSentEvent(
                    event: "message_start",
                    data:
                        #"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"#
                        + #""stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":40,"output_tokens":0,"cache_read_input_tokens":9000,"cache_creation_input_tokens":0}}}"#
                ),
                ServerSentEvent(
                    event: "content_block_start",
                    data: #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#
                ),
                ServerSentEvent(
                    event: "content_block_delta",
                    data: #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi \"there\"\n"}}"#
                ),
                ServerSentEvent(event: "content_block_stop", data: #"{"type":"content_block_stop","index":0}"#),
                ServerSentEvent(
                    event: "message_delta",
                    data: #"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"#
                        + #""usage":{"output_tokens":7,"input_tokens":40,"cache_read_input_tokens":9000,"cache_creation_input_tokens":0}}"#
                ),
                ServerSentEvent(event: "message_stop", data: #"{"type":"message_stop"}"#),
            ]
        )
    }

    @Test func blocksAreNumberedInOrderAndClosedBeforeTheNext() throws {
        let frames = Fixtures.encode([
            start, .blockStart(.thinking), .blockDelta(.thinking("a")), .blockDelta(.signature("s")), .blockStop,
            .blockStart(.text), .blockDelta(.text("b")), .blockStop,
            .blockStart(.toolUse(id: "toolu_1", name: "Read")), .blockDelta(.toolInput(partialJSON: "{}")), .blockStop, end,
        ])
        let blockFrames = frames.filter { $0.event?.hasPrefix("content_block") ?? false }
        let indices = try blockFrames.map { try Fixtures.json($0.data)["index"]?.intValue }
        #expect(indices == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2])
        #expect(
            blockFrames.map(\.event)
                == [
                    "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                    "content_block_start", "content_block_delta", "content_block_stop",
                    "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                ]
        )
        _ = try read(frames)
    }

    @Test func toolUseStartsWithInputObjectAndAnEmptyFirstDelta() {
        var encoder = AnthropicStreamEncoder()
        _ = encoder.encode(start)
        #expect(
            encoder.encode(.blockStart(.toolUse(id: "toolu_01", name: "Bash"))) == [
                ServerSentEvent(
                    event: "content_block_start",
                    data:
                        #"{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_01","name":"Bash","input":{}}}"#
                ),
                ServerSentEvent(
                    event: "content_block_delta",
                    data: #"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}"#
                ),
            ]
        )
    }

    @Test func toolArgumentFragmentsConcatenateToJSON() throws {
        let frames = Fixtures.encode([
            start, .blockStart(.toolUse(id: "toolu_01", name: "Bash")),
            .blockDelta(.toolInput(partialJSON: #"{"comm"#)), .blockDelta(.toolInput(partialJSON: "")),
            .blockDelta(.toolInput(partialJSON: #"and": "ls -la"}"#)), .blockStop, end,
        ])
        let client = try read(frames)
        #expect(client.blocks[0].firstPartialJSON == "")
        #expect(try Fixtures.json(client.blocks[0].accumulated) == ["command": "ls -la"])
        // The empty fragment was not sent: only the opening "", the two real fragments and the stop.
        #expect(frames.count == 1 + 1 + 1 + 2 + 1 + 2)
    }

    @Test func toolUseWithoutArgumentsGetsAnEmptyObject() throws {
        let frames = Fixtures.encode([start, .blockStart(.toolUse(id: "toolu_01", name: "TodoRead")), .blockStop, end])
        let client = try read(frames)
        #expect(client.blocks[0].accumulated == "{}")
        #expect(
            frames[3]
                == ServerSentEvent(
                    event: "content_block_delta",
                    data: #"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{}"}}"#
                )
        )
    }

    @Test func thinkingWithoutSignatureGetsAnEmptySignatureDelta() throws {
        let frames = Fixtures.encode([start, .blockStart(.thinking), .blockDelta(.thinking("Let me think.")), .blockStop, end])
        let client = try read(frames)
        #expect(client.blocks[0].signatureDeltas == 1)
        #expect(
            frames[1].data == #"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"#)
        #expect(
            frames[3]
                == ServerSentEvent(
                    event: "content_block_delta",
                    data: #"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":""}}"#
                )
        )
    }

    @Test func thinkingWithSignatureGetsNoSecondOne() throws {
        let frames = Fixtures.encode([
            start, .blockStart(.thinking), .blockDelta(.thinking("Hmm.")), .blockDelta(.signature("EqQB")), .blockStop, end,
        ])
        #expect(try read(frames).blocks[0].signatureDeltas == 1)
    }

    @Test func redactedThinkingCarriesItsData() {
        let frames = Fixtures.encode([start, .blockStart(.redactedThinking(data: "EmwK")), .blockStop, end])
        #expect(frames[1].data == #"{"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"EmwK"}}"#)
        #expect(frames[2].event == "content_block_stop")
    }

    @Test func blockOpenedWhileAnotherIsOpenClosesItFirst() throws {
        let frames = Fixtures.encode([
            start, .blockStart(.text), .blockDelta(.text("a")), .blockStart(.toolUse(id: "t", name: "n")), .blockStop, end,
        ])
        let client = try read(frames)
        #expect(client.blocks.map(\.type) == ["text", "tool_use"])
        #expect(frames.map(\.event)[3] == "content_block_stop")
    }

    @Test func deltasThatFitNoOpenBlockAreDropped() throws {
        let frames = Fixtures.encode([
            start, .blockDelta(.text("orphan")), .blockStart(.text), .blockDelta(.thinking("wrong kind")), .blockDelta(.signature("wrong")),
            .blockDelta(.toolInput(partialJSON: "{}")), .blockDelta(.text("right")), .blockStop, .blockStop, .blockDelta(.text("late")),
            end,
        ])
        let client = try read(frames)
        #expect(client.blocks == [StreamingClient.Block(type: "text", accumulated: "right", firstDeltaType: "text_delta")])
    }

    @Test func messageEndClosesAnOpenBlock() throws {
        let frames = Fixtures.encode([start, .blockStart(.thinking), .blockDelta(.thinking("cut off")), end])
        let client = try read(frames)
        #expect(client.finished)
        #expect(
            frames.map(\.event) == [
                "message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta",
                "message_stop",
            ]
        )
    }

    @Test func missingMessageStartIsSupplied() throws {
        let frames = Fixtures.encode([.blockStart(.text), .blockDelta(.text("hi")), .blockStop, end])
        #expect(try read(frames).blocks[0].accumulated == "hi")
        #expect(Fixtures.encode([end]).map(\.event) == ["message_start", "message_delta", "message_stop"])
    }

    @Test func secondMessageStartIsDropped() throws {
        let frames = Fixtures.encode([start, .blockStart(.text), start, .blockDelta(.text("hi")), .blockStop, end])
        #expect(try read(frames).blocks[0].accumulated == "hi")
    }

    @Test func failMidBlockClosesTheBlockThenReportsTheError() throws {
        var encoder = AnthropicStreamEncoder()
        var frames = encoder.encode(start)
        frames += encoder.encode(.blockStart(.text))
        frames += encoder.encode(.blockDelta(.text("partial")))
        let failure = encoder.fail(SluiceError(.overloaded, "upstream is overloaded"))
        #expect(
            failure == [
                ServerSentEvent(event: "content_block_stop", data: #"{"type":"content_block_stop","index":0}"#),
                ServerSentEvent(
                    event: "error", data: #"{"type":"error","error":{"type":"overloaded_error","message":"upstream is overloaded"}}"#),
            ]
        )
        let client = try read(frames + failure)
        #expect(client.error == ["type": "overloaded_error", "message": "upstream is overloaded"])
        #expect(encoder.encode(.blockStop).isEmpty)
        #expect(encoder.encode(end).isEmpty)
        #expect(encoder.fail(.upstreamFailed("again")).isEmpty)
    }

    @Test func failBetweenBlocksOnlyReportsTheError() {
        var encoder = AnthropicStreamEncoder()
        _ = encoder.encode(start)
        #expect(encoder.fail(.upstreamTimedOut("upstream timed out")).map(\.event) == ["error"])
    }

    @Test func nothingFollowsMessageStop() {
        var encoder = AnthropicStreamEncoder()
        _ = encoder.encode(start)
        #expect(encoder.encode(end).map(\.event) == ["message_delta", "message_stop"])
        #expect(encoder.encode(.blockStart(.text)).isEmpty)
        #expect(encoder.encode(start).isEmpty)
        #expect(encoder.fail(.internalFailure("late")).isEmpty)
    }

    @Test func pingIsAnAnthropicPing() {
        #expect(AnthropicStreamEncoder.ping == ServerSentEvent(event: "ping", data: #"{"type":"ping"}"#))
        #expect(String(decoding: AnthropicStreamEncoder.ping.encoded(), as: UTF8.self) == "event: ping\ndata: {\"type\":\"ping\"}\n\n")
    }
}
