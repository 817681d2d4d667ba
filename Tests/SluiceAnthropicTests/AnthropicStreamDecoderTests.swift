import SluiceAnthropic
import SluiceCore
import Testing

@Suite struct AnthropicStreamDecoderTests {
    private let upstreamBytes = Array(Fixtures.upstreamStream.utf8)

    private func decode(_ text: String) throws(SluiceError) -> [StreamEvent] {
        var parser = ServerSentEventParser()
        var frames = try parser.feed(Array(text.utf8))
        if let last = parser.finish() { frames.append(last) }
        return try Fixtures.decode(frames)
    }

    /// The error decoding `text` throws.
    private func failure(_ text: String) -> SluiceError? {
        do {
            _ = try decode(text)
            return nil
        } catch {
            return error
        }
    }

    private let prelude = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":5,"output_tokens":1}}}


        """

    private let ending = """
        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":3}}

        event: message_stop
        data: {"type":"message_stop"}


        """

    @Test func decodesAnUpstreamStream() throws {
        #expect(try decode(Fixtures.upstreamStream) == Fixtures.upstreamEvents)
    }

    @Test func everySplitPointGivesTheSameEvents() throws {
        for split in 0...upstreamBytes.count {
            let frames = try Fixtures.parseEvents([upstreamBytes[..<split], upstreamBytes[split...]])
            #expect(try Fixtures.decode(frames) == Fixtures.upstreamEvents, "split at byte \(split)")
        }
    }

    @Test func byteByByteGivesTheSameEvents() throws {
        let frames = try Fixtures.parseEvents(upstreamBytes.map { [$0] })
        #expect(try Fixtures.decode(frames) == Fixtures.upstreamEvents)
        let crlf = Array(Fixtures.upstreamStream.replacing("\n", with: "\r\n").utf8)
        #expect(try Fixtures.decode(Fixtures.parseEvents(crlf.map { [$0] })) == Fixtures.upstreamEvents)
    }

    @Test func messageDeltaUsageIsMergedOverMessageStart() throws {
        let events = try decode(
            prelude.replacing(
                #""usage":{"input_tokens":5,"output_tokens":1}"#,
                with: #""usage":{"input_tokens":5,"output_tokens":1,"cache_read_input_tokens":100}"#
            )
                + ending.replacing(
                    #""usage":{"output_tokens":3}"#,
                    with: #""usage":{"output_tokens":3,"cache_creation_input_tokens":7,"input_tokens":6}"#
                )
        )
        #expect(
            events.first == .messageStart(id: "msg_1", model: "m", usage: Usage(inputTokens: 5, outputTokens: 1, cacheReadInputTokens: 100))
        )
        #expect(
            events.last
                == .messageEnd(
                    stopReason: .endTurn,
                    stopSequence: nil,
                    usage: Usage(inputTokens: 6, outputTokens: 3, cacheReadInputTokens: 100, cacheCreationInputTokens: 7)
                )
        )
    }

    @Test func stopSequenceIsCarried() throws {
        let events = try decode(
            prelude
                + ending.replacing(
                    #""stop_reason":"end_turn","stop_sequence":null"#, with: #""stop_reason":"stop_sequence","stop_sequence":"END""#)
        )
        #expect(events.last == .messageEnd(stopReason: .stopSequence, stopSequence: "END", usage: Usage(inputTokens: 5, outputTokens: 3)))
    }

    @Test(arguments: [
        ("refusal", StopReason.refusal), ("pause_turn", .pauseTurn), ("model_context_window_exceeded", .maxTokens),
        ("brand_new_reason", .endTurn),
    ])
    func stopReasonsAreMapped(wire: String, reason: StopReason) throws {
        let events = try decode(prelude + ending.replacing("end_turn", with: wire))
        #expect(events.last == .messageEnd(stopReason: reason, stopSequence: nil, usage: Usage(inputTokens: 5, outputTokens: 3)))
    }

    @Test func dataOnlyFramesAreDispatchedByType() throws {
        let text = """
            data: {"type":"message_start","message":{"id":"msg_2","model":"m","usage":{"input_tokens":1,"output_tokens":0}}}

            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":"Hel"}}

            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}}

            data: {"type":"content_block_stop","index":0}

            data: {"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":2}}

            data: {"type":"message_stop"}

            """
        #expect(
            try decode(text) == [
                .messageStart(id: "msg_2", model: "m", usage: Usage(inputTokens: 1)),
                .blockStart(.text), .blockDelta(.text("Hel")), .blockDelta(.text("lo")), .blockStop,
                .messageEnd(stopReason: .maxTokens, stopSequence: nil, usage: Usage(inputTokens: 1, outputTokens: 2)),
            ]
        )
    }

    @Test func toolInputGivenInBlockStartIsKept() throws {
        let events = try decode(
            prelude + """
                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"Read","input":{"file_path":"a.txt"}}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}


                """ + ending
        )
        #expect(
            events[1...3] == [
                .blockStart(.toolUse(id: "toolu_1", name: "Read")), .blockDelta(.toolInput(partialJSON: #"{"file_path":"a.txt"}"#)),
                .blockStop,
            ]
        )
    }

    @Test func missingBlockStopIsRepaired() throws {
        let events = try decode(
            prelude + """
                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"EmwK"}}

                event: content_block_start
                data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"citations_delta","citation":{"type":"char_location","cited_text":"a"}}}


                """ + ending
        )
        #expect(
            events.dropFirst().dropLast() == [
                .blockStart(.redactedThinking(data: "EmwK")), .blockStop, .blockStart(.text),
                .blockDelta(.citation(["type": "char_location", "cited_text": "a"])), .blockStop,
            ])
    }

    @Test func eventsAfterMessageStopAndUnknownEventsAreIgnored() throws {
        var decoder = AnthropicStreamDecoder()
        #expect(try decoder.decode(ServerSentEvent(event: "ping", data: "")) == [])
        #expect(
            try decoder.decode(ServerSentEvent(event: "message_start", data: #"{"type":"message_start","message":{"id":"a","model":"m"}}"#))
                .count
                == 1
        )
        #expect(try decoder.decode(ServerSentEvent(event: "future_event", data: #"{"type":"future_event"}"#)) == [])
        #expect(
            try decoder.decode(ServerSentEvent(event: "message_stop", data: #"{"type":"message_stop"}"#)) == [
                .messageEnd(stopReason: nil, stopSequence: nil, usage: Usage())
            ]
        )
        #expect(
            try decoder.decode(ServerSentEvent(event: "error", data: #"{"type":"error","error":{"type":"api_error","message":"late"}}"#))
                == [])
        #expect(try decoder.finish() == [])
    }

    @Test(
        arguments: [
            ("overloaded_error", SluiceError.Category.overloaded),
            ("rate_limit_error", .rateLimited),
            ("api_error", .upstreamFailed),
            ("invalid_request_error", .invalidRequest),
            ("not_found_error", .notFound),
            ("request_too_large", .requestTooLarge),
            ("timeout_error", .upstreamTimedOut),
            ("authentication_error", .upstreamFailed),
            ("something_new", .upstreamFailed),
        ]
    )
    func errorEventIsThrown(type: String, category: SluiceError.Category) {
        let error = failure(
            prelude + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"\(type)\",\"message\":\"Overloaded\"}}\n\n")
        #expect(error?.category == category)
        if type != "authentication_error" { #expect(error?.message == "Overloaded") }
    }

    @Test func streamEndingEarlyIsAnUpstreamFailure() {
        #expect(failure(prelude) == .upstreamFailed("upstream stream ended early"))
        #expect(failure("") == .upstreamFailed("upstream stream ended early"))
        let cut = String(Fixtures.upstreamStream[..<Fixtures.upstreamStream.firstRange(of: "event: message_stop")!.lowerBound])
        #expect(failure(cut) == .upstreamFailed("upstream stream ended early"))
    }

    @Test func malformedEventsAreUpstreamFailuresNamingTheField() {
        #expect(failure("event: message_start\ndata: {not json\n\n") == .upstreamFailed("upstream sent a stream event that is not JSON"))
        #expect(
            failure("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":7}}\n\n")
                == .upstreamFailed("upstream sent a malformed message_start event: message.id: expected a string")
        )
        #expect(
            failure(
                prelude
                    + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"name\":\"x\"}}\n\n"
            )
                == .upstreamFailed("upstream sent a malformed content_block_start event: content_block.id: field required")
        )
        #expect(
            failure(
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\"}}\n\n"
            )
                == .upstreamFailed("upstream sent content_block_start before message_start")
        )
    }
}
