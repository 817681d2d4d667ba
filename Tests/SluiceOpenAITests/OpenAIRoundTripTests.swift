import SluiceCore
import SluiceOpenAI
import Testing

/// The two directions of the codec against each other: what Sluice encodes, it decodes back.
@Suite struct OpenAIRoundTripTests {
    static let response = ChatResponse(
        id: "msg_rt1",
        model: "qwen3",
        content: [
            .thinking(Thinking("First the file, then the tests.")),
            .text(TextContent("On it.")),
            .toolUse(ToolUse(id: "toolu_a", name: "Read", input: json(#"{"path":"Sources/a.swift","range":[1,40]}"#))),
            .toolUse(ToolUse(id: "toolu_b", name: "Bash", input: ["command": "swift test"])),
        ],
        stopReason: .toolUse,
        usage: Usage(inputTokens: 300, outputTokens: 70, cacheReadInputTokens: 4096)
    )

    @Test func responseSurvivesEncodeAndDecode() throws {
        let body = OpenAIResponseEncoder.encode(Self.response, created: 1)
        let reparsed = try JSONParser.parse(body.serialized())
        #expect(try OpenAIResponseDecoder.decode(reparsed, messageID: "msg_rt1") == Self.response)
    }

    @Test func streamSurvivesEncodeAndDecode() throws {
        var encoder = OpenAIStreamEncoder(options: OpenAIStreamOptions(includeUsage: true), created: 1)
        let wire = Self.response.events.flatMap { encoder.encode($0) }.flatMap { $0.encoded() }
        let events = try decodeStream(wire)
        #expect(try accumulate(events, id: "msg_rt1", model: "qwen3") == Self.response)
        for cut in stride(from: 0, through: wire.count, by: 7) {
            #expect(try decodeStream(wire, cuts: [cut]) == events)
        }
    }

    @Test func openAIRequestPassesThroughUnchanged() throws {
        // A conversation already in the shape Sluice sends upstream decodes and re-encodes to itself.
        let body = json(
            #"""
            {"model":"qwen3","messages":[
              {"role":"system","content":"Be brief."},
              {"role":"user","content":"Weather in Paris and the time?"},
              {"role":"assistant","content":null,"reasoning_content":"Two tools.","tool_calls":[
                {"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Paris\"}"}},
                {"id":"call_2","type":"function","function":{"name":"time","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"18°C"},
              {"role":"tool","tool_call_id":"call_2","content":"14:02"},
              {"role":"system","content":"Answer in French."},
              {"role":"user","content":[{"type":"text","text":"And this?"},{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}}]}
            ],
            "tools":[{"type":"function","function":{"name":"weather","description":"Weather now.","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
                     {"type":"function","function":{"name":"time","parameters":{"type":"object","properties":{}}}}],
            "tool_choice":"auto","max_tokens":512,"temperature":0.2,"top_p":1,"stop":["###"],"seed":1,"user":"u1",
            "stream":true,"stream_options":{"include_usage":true}}
            """#
        )
        let (request, _) = try OpenAIRequestDecoder.decode(body)
        let encoded = OpenAIRequestEncoder.encode(request, stream: request.stream, options: OpenAIUpstreamOptions())
        #expect(encoded.serializedString() == body.serializedString())
    }

    @Test func canonicalRequestSurvivesUpstreamEncodingAndFrontDecoding() throws {
        let request = ChatRequest(
            model: "m",
            system: [TextContent("sys")],
            messages: [
                .user("hi"),
                Message(role: .system, content: [.text(TextContent("mid"))]),
                Message(
                    role: .assistant,
                    content: [
                        .thinking(Thinking("think")), .text(TextContent("calling")),
                        .toolUse(ToolUse(id: "t1", name: "f", input: ["a": [1, 2]])),
                    ]
                ),
                Message(
                    role: .user,
                    content: [
                        .toolResult(ToolResult(toolUseID: "t1", content: [.text(TextContent("ok"))])), .text(TextContent("next")),
                    ]
                ),
            ],
            tools: [
                ToolDefinition(name: "f", description: "does f", inputSchema: ["type": "object", "properties": ["a": ["type": "array"]]])
            ],
            toolChoice: .tool(name: "f"),
            parallelToolCalls: false,
            maxTokens: 9,
            temperature: 0,
            topP: 0.5,
            topK: 3,
            stopSequences: ["x"],
            stream: true,
            effort: "high",
            user: "u",
            seed: 3,
            frequencyPenalty: 0.25,
            presencePenalty: 0.5
        )
        let wire = OpenAIRequestEncoder.encode(
            request, stream: true, options: OpenAIUpstreamOptions(extendedSampling: true, reasoning: .reasoningEffort))
        var decoded = try OpenAIRequestDecoder.decode(try JSONParser.parse(wire.serialized())).request
        // The tool results and the text after them come back as two user turns, as OpenAI carries them.
        #expect(decoded.messages.count == 5)
        decoded.messages[3].content += decoded.messages.remove(at: 4).content
        #expect(decoded == request)
    }
}
