import SluiceCore
import SluiceOpenAI
import Testing

@Suite struct ResponsesStreamEncoderTests {
    static let envelope = ResponsesEnvelope(
        id: "resp_abc", createdAt: 1_731_000_000, requestedModel: "gpt-x", requestFields: ["store": false],
        reasoningSummary: false)

    /// Thinking, two text blocks around a redacted one (one message, two parts), then a tool call.
    static let events: [StreamEvent] = [
        .messageStart(id: "msg_1", model: "claude-x", usage: Usage(inputTokens: 10)),
        .blockStart(.thinking), .blockDelta(.thinking("Hmm")), .blockDelta(.signature("sig")), .blockStop,
        .blockStart(.text), .blockDelta(.text("Hel")), .blockDelta(.text("")), .blockDelta(.text("lo")), .blockStop,
        .blockStart(.redactedThinking(data: "x")), .blockStop,
        .blockStart(.text), .blockDelta(.text("!")), .blockStop,
        .blockStart(.toolUse(id: "call_1", name: "Read")), .blockStop,
        .messageEnd(stopReason: .toolUse, stopSequence: nil, usage: Usage(inputTokens: 10, outputTokens: 7, cacheReadInputTokens: 5)),
    ]

    static func frames(_ events: [StreamEvent], envelope: ResponsesEnvelope = envelope) -> [JSONValue] {
        var encoder = ResponsesStreamEncoder(envelope: envelope)
        return events.flatMap { encoder.encode($0) }.map { try! JSONParser.parse(Array($0.data.utf8)) }
    }

    @Test func eventsComeInOpenAIsOrderWithIncreasingSequenceNumbers() {
        let frames = Self.frames(Self.events)
        #expect(
            frames.map { $0["type"]?.stringValue ?? "" } == [
                "response.created", "response.in_progress",
                "response.output_item.added", "response.reasoning_text.delta", "response.reasoning_text.done",
                "response.output_item.done",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                "response.content_part.added", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.done", "response.output_item.done",
                "response.completed",
            ])
        #expect(frames.map { $0["sequence_number"]?.intValue } == Array(0..<frames.count))
    }

    @Test func itemIDsDeriveFromTheResponseAndTheOutputIndex() throws {
        let completed = try #require(Self.frames(Self.events).last?["response"])
        let output = try #require(completed["output"]?.arrayValue)
        #expect(output.map { $0["id"]?.stringValue } == ["rs_abc_0", "msg_abc_1", "fc_abc_2"])
        #expect(output[1]["content"]?.arrayValue?.map { $0["text"]?.stringValue } == ["Hello", "!"])
        #expect(output[2]["arguments"] == "{}")
        #expect(output[2]["call_id"] == "call_1")
        #expect(completed["output_text"] == "Hello!")
        #expect(completed["model"] == "claude-x")
        #expect(completed["usage"]?["input_tokens"] == 15)
        #expect(completed["usage"]?["input_tokens_details"]?["cached_tokens"] == 5)
        #expect(completed["store"] == false)
    }

    @Test func thePlainEncoderGivesTheStreamsFinalResponse() throws {
        var accumulator = ResponseAccumulator()
        for event in Self.events { try accumulator.consume(event) }
        let plain = ResponsesResponseEncoder.encode(try accumulator.response(), envelope: Self.envelope)
        #expect(plain == Self.frames(Self.events).last?["response"])
    }

    @Test func summariesReplaceReasoningTextWhenAskedFor() throws {
        var envelope = Self.envelope
        envelope.reasoningSummary = true
        let frames = Self.frames(Array(Self.events.prefix(6)) + [Self.events.last!], envelope: envelope)
        #expect(
            frames[2...7].map { $0["type"]?.stringValue ?? "" } == [
                "response.output_item.added", "response.reasoning_summary_part.added", "response.reasoning_summary_text.delta",
                "response.reasoning_summary_text.done", "response.reasoning_summary_part.done", "response.output_item.done",
            ])
        #expect(frames.last?["response"]?["output"]?.arrayValue?.first?["summary"] == [["type": "summary_text", "text": "Hmm"]])
    }

    @Test func maxTokensEndsIncomplete() {
        let frames = Self.frames([
            .messageStart(id: "m", model: "x", usage: Usage()), .blockStart(.text), .blockDelta(.text("a")), .blockStop,
            .messageEnd(stopReason: .maxTokens, stopSequence: nil, usage: Usage()),
        ])
        #expect(frames.last?["type"] == "response.incomplete")
        #expect(frames.last?["response"]?["incomplete_details"] == ["reason": "max_output_tokens"])
    }

    @Test func aFailureSendsErrorThenResponseFailedAndNothingAfter() {
        var encoder = ResponsesStreamEncoder(envelope: Self.envelope)
        _ = encoder.encode(Self.events[0])
        let failed = encoder.fail(SluiceError.upstreamFailed("upstream closed the stream"))
        #expect(failed.map(\.event) == ["error", "response.failed"])
        let response = try? JSONParser.parse(Array(failed[1].data.utf8))["response"]
        #expect(response?["status"] == "failed")
        #expect(response?["error"]?["message"] == "upstream closed the stream")
        #expect(encoder.encode(Self.events[1]).isEmpty)
        #expect(encoder.fail(SluiceError.upstreamFailed("again")).isEmpty)
    }

    @Test func aStreamWithoutMessageStartStillOpensWithTheLifecycleEvents() {
        let frames = Self.frames([.blockStart(.text), .blockDelta(.text("x")), .blockStop])
        #expect(frames.prefix(2).map { $0["type"]?.stringValue } == ["response.created", "response.in_progress"])
    }

    static let searchDone: JSONObject = [
        "id": "ws_up", "type": "web_search_call", "status": "completed", "action": ["type": "search", "query": "rome"],
    ]

    /// Text, a Responses upstream's web search with its progress events (numbered by the upstream,
    /// which counts its items differently), then more text.
    static let searchEvents: [StreamEvent] = [
        .messageStart(id: "msg_1", model: "o", usage: Usage()),
        .blockStart(.text), .blockDelta(.text("Looking.")), .blockStop,
        .blockStart(.responsesOnly(["id": "ws_up", "type": "web_search_call", "status": "in_progress"])),
        .blockDelta(.responsesOnlyEvent(["type": "response.web_search_call.in_progress", "output_index": 7, "item_id": "ws_up"])),
        .blockDelta(.responsesOnlyEvent(["type": "response.web_search_call.searching", "output_index": 7, "item_id": "ws_up"])),
        .blockDelta(.responsesOnlyItem(searchDone)), .blockStop,
        .blockStart(.text), .blockDelta(.text("Sunny.")), .blockStop,
        .messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage()),
    ]

    @Test func aResponsesCitationIsAnAnnotationAndAnAnthropicOneIsLeftOut() throws {
        let url: JSONValue = ["type": "url_citation", "start_index": 0, "end_index": 2, "url": "https://a.example", "title": "A"]
        let anthropic: JSONValue = ["type": "web_search_result_location", "url": "https://b.example", "encrypted_index": "x"]
        let frames = Self.frames([
            .messageStart(id: "m", model: "x", usage: Usage()), .blockStart(.text), .blockDelta(.text("Hi")),
            .blockDelta(.citation(anthropic)), .blockDelta(.citation(url)), .blockStop,
            .messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage()),
        ])
        let added = try #require(frames.first { $0["type"]?.stringValue == "response.output_text.annotation.added" })
        #expect(added["annotation"] == url)
        #expect(added["annotation_index"]?.intValue == 0 && added["output_index"]?.intValue == 0)
        #expect(frames.filter { $0["type"]?.stringValue == "response.output_text.annotation.added" }.count == 1)
        let done = try #require(frames.first { $0["type"]?.stringValue == "response.content_part.done" })
        #expect(done["part"]?["annotations"] == [url])
        let message = frames.last?["response"]?["output"]?.arrayValue?.first
        #expect(message?["content"]?.arrayValue?.first?["annotations"] == [url])
    }

    @Test func aBuiltInItemGoesOutAsItsUpstreamMadeItWithItsEventsAtItsOutputIndex() throws {
        var builder = ResponsesOutputBuilder(envelope: Self.envelope)
        let events = Self.searchEvents.flatMap { builder.consume($0) }
        let search = events.filter { $0.fields["item_id"] == "ws_up" || $0.fields["item"]?["id"] == "ws_up" }
        #expect(
            search.map(\.type) == [
                "response.output_item.added", "response.web_search_call.in_progress", "response.web_search_call.searching",
                "response.output_item.done",
            ])
        #expect(search.allSatisfy { $0.fields["output_index"] == 1 })
        #expect(search.first?.fields["item"] == ["id": "ws_up", "type": "web_search_call", "status": "in_progress"])
        #expect(search.last?.fields["item"] == .object(Self.searchDone))
        let output = builder.outputItems
        #expect(output.map { $0["id"]?.stringValue } == ["msg_abc_0", "ws_up", "msg_abc_2"])
        #expect(output[1] == .object(Self.searchDone))
        #expect(builder.response(status: "completed")["output_text"] == "Looking.Sunny.")
    }

    @Test func aBuiltInItemStreamsInSequenceAndTheStoredAnswerKeepsIt() throws {
        let frames = Self.frames(Self.searchEvents)
        #expect(frames.map { $0["sequence_number"]?.intValue } == Array(0..<frames.count))
        let completed = try #require(frames.last?["response"])
        #expect(completed["output"]?.arrayValue?[1] == .object(Self.searchDone))
        // Non-streaming answers and stored responses are encoded from the accumulated answer.
        var accumulator = ResponseAccumulator()
        for event in Self.searchEvents { try accumulator.consume(event) }
        let answer = try accumulator.response()
        #expect(ResponsesResponseEncoder.encode(answer, envelope: Self.envelope) == completed)
        // So is a replay of a complete answer (a cache hit).
        #expect(Self.frames(answer.events).last?["response"] == completed)
    }
}
