import SluiceAnthropic
import SluiceCore
import Testing

/// The fronts' encoders and the upstream decoders are inverses: a response that passes through an
/// Anthropic upstream and out to an Anthropic client arrives as it left.
@Suite struct AnthropicRoundTripTests {
    @Test(arguments: Fixtures.responses)
    func streamEncodedThenDecodedAccumulatesToTheResponse(response: ChatResponse) throws {
        let bytes = Fixtures.bytes(of: Fixtures.encode(response.events))
        let events = try Fixtures.decode(try Fixtures.parseEvents([bytes]))
        #expect(try Fixtures.accumulate(events) == response)
        #expect(try Fixtures.accumulate(response.events) == response)
    }

    @Test(arguments: Fixtures.responses)
    func reencodingDecodedFramesGivesTheSameFrames(response: ChatResponse) throws {
        let frames = Fixtures.encode(response.events)
        let reencoded = Fixtures.encode(try Fixtures.decode(frames))
        #expect(reencoded == frames)
    }

    /// The encoder's placeholder `signature_delta` and `{}` arguments must not come back as data.
    @Test func placeholdersTheEncoderAddsDoNotComeBack() throws {
        let response = ChatResponse(
            id: "msg_local",
            model: "qwen3",
            content: [.thinking(Thinking("unsigned")), .toolUse(ToolUse(id: "call_1", name: "TodoRead", input: [:]))],
            stopReason: .toolUse,
            usage: Usage(inputTokens: 10, outputTokens: 4)
        )
        var events = response.events
        events.removeAll { $0 == .blockDelta(.toolInput(partialJSON: "{}")) }
        let decoded = try Fixtures.decode(Fixtures.encode(events))
        #expect(!decoded.contains(.blockDelta(.signature(""))))
        #expect(try Fixtures.accumulate(decoded) == response)
    }

    @Test func upstreamStreamPassesThroughToAValidClientStream() throws {
        let frames = Fixtures.encode(Fixtures.upstreamEvents)
        var client = StreamingClient()
        try client.read(frames)
        #expect(client.blocks.map(\.type) == ["thinking", "server_tool_use", "web_search_tool_result", "text", "tool_use"])
        #expect(try Fixtures.json(client.blocks[1].accumulated) == ["query": "weather Zürich"])
        #expect(client.blocks[3].accumulated == "In Zürich it is 12 °C ☁️ — I'll save a note 📝.")
        #expect(try Fixtures.json(client.blocks[4].accumulated) == ["path": "notes.md", "text": "12 °C"])
        #expect(try Fixtures.decode(frames) == Fixtures.upstreamEvents)
    }

    @Test func streamedAndNonStreamedUpstreamAnswersAgree() throws {
        let streamed = try Fixtures.accumulate(Fixtures.decode(Fixtures.parseEvents([Array(Fixtures.upstreamStream.utf8)])))
        let body = AnthropicResponseEncoder.encode(streamed)
        #expect(try AnthropicResponseDecoder.decode(body) == streamed)
        #expect(streamed.content.count == 5)
        #expect(streamed.usage == Usage(inputTokens: 472, outputTokens: 89, cacheReadInputTokens: 20480, cacheCreationInputTokens: 1024))
    }
}
