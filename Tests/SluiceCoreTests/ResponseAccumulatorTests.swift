import SluiceCore
import Testing

@Suite struct ResponseAccumulatorTests {
    private static let start = StreamEvent.messageStart(id: "msg_01", model: "claude-opus-4-1", usage: Usage(inputTokens: 12))
    private static let end = StreamEvent.messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage(inputTokens: 12, outputTokens: 3))

    private func accumulate(_ events: [StreamEvent]) throws(SluiceError) -> ChatResponse {
        var accumulator = ResponseAccumulator()
        for event in events { try accumulator.consume(event) }
        return try accumulator.response()
    }

    /// The message of the error consuming `events` throws.
    private func malformed(_ events: [StreamEvent]) throws -> String {
        let error = try #require(throws: SluiceError.self) {
            var accumulator = ResponseAccumulator()
            for event in events { try accumulator.consume(event) }
        }
        #expect(error.category == .internalFailure)
        return error.message
    }

    @Test func fullStreamBuildsTheExactResponse() throws {
        let response = try accumulate([
            .messageStart(id: "msg_01", model: "claude-opus-4-1", usage: Usage(inputTokens: 12, cacheReadInputTokens: 900)),
            .blockStart(.thinking),
            .blockDelta(.thinking("The file is ")),
            .blockDelta(.thinking("in /tmp.")),
            .blockDelta(.signature("EqQBCkYIBxgCKkBsig==")),
            .blockStop,
            .blockStart(.text),
            .blockDelta(.text("Let me ")),
            .blockDelta(.text("read ")),
            .blockDelta(.text("it.")),
            .blockStop,
            .blockStart(.toolUse(id: "toolu_01", name: "Read")),
            .blockDelta(.toolInput(partialJSON: #"{"pa"#)),
            .blockDelta(.toolInput(partialJSON: #"th":"/tmp/x"}"#)),
            .blockStop,
            .messageEnd(
                stopReason: .toolUse, stopSequence: nil,
                usage: Usage(inputTokens: 12, outputTokens: 87, cacheReadInputTokens: 900)),
        ])

        #expect(
            response
                == ChatResponse(
                    id: "msg_01", model: "claude-opus-4-1",
                    content: [
                        .thinking(Thinking("The file is in /tmp.", signature: "EqQBCkYIBxgCKkBsig==")),
                        .text(TextContent("Let me read it.")),
                        .toolUse(ToolUse(id: "toolu_01", name: "Read", input: ["path": "/tmp/x"])),
                    ],
                    stopReason: .toolUse,
                    usage: Usage(inputTokens: 12, outputTokens: 87, cacheReadInputTokens: 900)))
    }

    @Test func stopSequenceAndFinalUsageComeFromMessageEnd() throws {
        let response = try accumulate([
            Self.start,
            .messageEnd(stopReason: .stopSequence, stopSequence: "END", usage: Usage(inputTokens: 12, outputTokens: 1)),
        ])
        #expect(response.content.isEmpty)
        #expect(response.stopReason == .stopSequence)
        #expect(response.stopSequence == "END")
        #expect(response.usage == Usage(inputTokens: 12, outputTokens: 1))
    }

    @Test func toolInputKeepsKeyOrder() throws {
        let response = try accumulate([
            Self.start,
            .blockStart(.toolUse(id: "toolu_01", name: "Edit")),
            .blockDelta(.toolInput(partialJSON: #"{"z":1,"a":{"y":[true],"b":null}}"#)),
            .blockStop,
            Self.end,
        ])
        guard case .toolUse(let call) = response.content.first else {
            Issue.record("expected a tool call, got \(response.content)")
            return
        }
        #expect(call.input.serializedString() == #"{"z":1,"a":{"y":[true],"b":null}}"#)
    }

    @Test(arguments: ["", "[1,2]", "\"text\"", #"{"path":"#])
    func toolInputThatIsNotAnObjectBecomesEmptyObject(_ json: String) throws {
        let response = try accumulate([
            Self.start,
            .blockStart(.toolUse(id: "toolu_01", name: "Bash")),
            .blockDelta(.toolInput(partialJSON: json)),
            .blockStop,
            Self.end,
        ])
        #expect(response.content == [.toolUse(ToolUse(id: "toolu_01", name: "Bash", input: .object(JSONObject())))])
    }

    @Test func toolCallWithoutDeltasHasEmptyInput() throws {
        let response = try accumulate([Self.start, .blockStart(.toolUse(id: "t", name: "Now")), .blockStop, Self.end])
        #expect(response.content == [.toolUse(ToolUse(id: "t", name: "Now", input: [:]))])
    }

    @Test func redactedThinkingAndEmptyBlocksSurvive() throws {
        let response = try accumulate([
            Self.start,
            .blockStart(.redactedThinking(data: "ENCRYPTED")), .blockStop,
            .blockStart(.thinking), .blockDelta(.signature("sig")), .blockStop,
            .blockStart(.text), .blockStop,
            Self.end,
        ])
        #expect(
            response.content == [.redactedThinking(data: "ENCRYPTED"), .thinking(Thinking("", signature: "sig")), .text(TextContent(""))])
    }

    @Test func deltaWithoutAnOpenBlockIsMalformed() throws {
        #expect(
            try malformed([Self.start, .blockDelta(.text("x"))]) == "backend stream malformed: a delta that does not match the open block")
        #expect(try malformed([.blockDelta(.text("x"))]) == "backend stream malformed: a delta that does not match the open block")
    }

    @Test(arguments: [
        (BlockStart.text, BlockDelta.thinking("x")),
        (.text, .signature("s")),
        (.thinking, .toolInput(partialJSON: "{}")),
        (.toolUse(id: "t", name: "n"), .text("x")),
        (.redactedThinking(data: "d"), .thinking("x")),
    ])
    func deltaOfAnotherKindIsMalformed(_ block: BlockStart, _ delta: BlockDelta) throws {
        let message = try malformed([Self.start, .blockStart(block), .blockDelta(delta)])
        #expect(message == "backend stream malformed: a delta that does not match the open block")
    }

    @Test func blockOpenedWhileAnotherIsOpenIsMalformed() throws {
        let message = try malformed([Self.start, .blockStart(.text), .blockStart(.text)])
        #expect(message == "backend stream malformed: a block opened before the previous one stopped")
    }

    @Test func messageEndInsideABlockIsMalformed() throws {
        let message = try malformed([Self.start, .blockStart(.thinking), Self.end])
        #expect(message == "backend stream malformed: a message end inside a block")
    }

    @Test func blockOutsideAMessageIsMalformed() throws {
        #expect(try malformed([.blockStart(.text)]) == "backend stream malformed: a block outside a message")
        #expect(try malformed([Self.start, Self.end, .blockStart(.text)]) == "backend stream malformed: a block outside a message")
    }

    @Test func stopWithoutAnOpenBlockIsMalformed() throws {
        #expect(try malformed([Self.start, .blockStop]) == "backend stream malformed: a block stop with no open block")
        let twice = try malformed([Self.start, .blockStart(.text), .blockStop, .blockStop])
        #expect(twice == "backend stream malformed: a block stop with no open block")
    }

    @Test func secondMessageStartIsMalformed() throws {
        #expect(try malformed([Self.start, Self.start]) == "backend stream malformed: a second message start")
    }

    @Test func messageEndBeforeMessageStartIsMalformed() throws {
        _ = try malformed([Self.end])
    }

    @Test func responseBeforeTheEndIsMalformed() throws {
        var accumulator = ResponseAccumulator()
        try accumulator.consume(Self.start)
        try accumulator.consume(.blockStart(.text))
        try accumulator.consume(.blockDelta(.text("partial")))
        try accumulator.consume(.blockStop)
        #expect(!accumulator.isFinished)
        let error = try #require(throws: SluiceError.self) { try accumulator.response() }
        #expect(error == SluiceError.internalFailure("backend stream malformed: the stream ended before the message did"))
        #expect(error.httpStatus == 500)
        #expect(throws: SluiceError.self) { try ResponseAccumulator().response() }
    }
}

@Suite struct ChatResponseEventsTests {
    static let response = ChatResponse(
        id: "msg_01", model: "claude-opus-4-1",
        content: [
            .thinking(Thinking("Plan: read, then edit.", signature: "sig==")),
            .redactedThinking(data: "ENCRYPTED"),
            .text(TextContent("Reading the file.")),
            .toolUse(ToolUse(id: "toolu_01", name: "Read", input: ["path": "/tmp/x", "range": ["start": 1, "end": 20]])),
            .toolUse(ToolUse(id: "toolu_02", name: "Now", input: [:])),
        ],
        stopReason: .toolUse,
        usage: Usage(inputTokens: 10, outputTokens: 20, cacheReadInputTokens: 3, cacheCreationInputTokens: 4))

    @Test func eventsAreExactlyTheCanonicalStream() {
        #expect(
            Self.response.events == [
                .messageStart(
                    id: "msg_01", model: "claude-opus-4-1",
                    usage: Usage(inputTokens: 10, outputTokens: 0, cacheReadInputTokens: 3, cacheCreationInputTokens: 4)),
                .blockStart(.thinking),
                .blockDelta(.thinking("Plan: read, then edit.")),
                .blockDelta(.signature("sig==")),
                .blockStop,
                .blockStart(.redactedThinking(data: "ENCRYPTED")),
                .blockStop,
                .blockStart(.text),
                .blockDelta(.text("Reading the file.")),
                .blockStop,
                .blockStart(.toolUse(id: "toolu_01", name: "Read")),
                .blockDelta(.toolInput(partialJSON: #"{"path":"/tmp/x","range":{"start":1,"end":20}}"#)),
                .blockStop,
                .blockStart(.toolUse(id: "toolu_02", name: "Now")),
                .blockDelta(.toolInput(partialJSON: "{}")),
                .blockStop,
                .messageEnd(
                    stopReason: .toolUse, stopSequence: nil,
                    usage: Usage(inputTokens: 10, outputTokens: 20, cacheReadInputTokens: 3, cacheCreationInputTokens: 4)),
            ])
    }

    @Test func emptyTextSendsNoDelta() {
        let response = ChatResponse(
            id: "m", model: "x", content: [.text(TextContent("")), .thinking(Thinking(""))], stopReason: .endTurn, usage: Usage())
        #expect(response.events.dropFirst().dropLast() == [.blockStart(.text), .blockStop, .blockStart(.thinking), .blockStop])
    }

    @Test func imagesAndToolResultsAreLeftOut() {
        let response = ChatResponse(
            id: "m", model: "x",
            content: [
                .image(ImageContent(source: .url("https://example.com/a.png"))), .toolResult(ToolResult(toolUseID: "t", content: [])),
            ],
            stopReason: nil, usage: Usage())
        #expect(
            response.events == [
                .messageStart(id: "m", model: "x", usage: Usage()), .messageEnd(stopReason: nil, stopSequence: nil, usage: Usage()),
            ])
    }

    @Test(arguments: [
        response,
        ChatResponse(id: "m", model: "x", content: [], stopReason: .stopSequence, stopSequence: "###", usage: Usage(outputTokens: 1)),
        ChatResponse(
            id: "m", model: "x", content: [.text(TextContent("")), .thinking(Thinking("", signature: "s")), .text(TextContent("é😀\n"))],
            stopReason: .maxTokens, usage: Usage()),
    ])
    func eventsAccumulateBackToTheResponse(_ response: ChatResponse) throws {
        var accumulator = ResponseAccumulator()
        for event in response.events { try accumulator.consume(event) }
        #expect(try accumulator.response() == response)
    }
}

extension ResponseAccumulatorTests {
    @Test func aSecondMessageEndIsMalformed() throws {
        var accumulator = ResponseAccumulator()
        try accumulator.consume(.messageStart(id: "msg_1", model: "m", usage: Usage()))
        try accumulator.consume(.messageEnd(stopReason: .endTurn, stopSequence: nil, usage: Usage(outputTokens: 1)))
        let error = #expect(throws: SluiceError.self) {
            try accumulator.consume(.messageEnd(stopReason: .maxTokens, stopSequence: nil, usage: Usage(outputTokens: 9)))
        }
        #expect(error?.message == "backend stream malformed: a second message end")
        #expect(try accumulator.response().stopReason == .endTurn)
    }
}
