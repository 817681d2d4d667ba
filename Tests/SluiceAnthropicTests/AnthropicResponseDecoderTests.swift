import SluiceAnthropic
import SluiceCore
import Testing

@Suite struct AnthropicResponseDecoderTests {
    @Test func decodesAnUpstreamResponse() throws {
        let body = try Fixtures.json(
            """
            {"id":"msg_01Aq9w938a90dw8q","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
             "content":[
               {"type":"thinking","thinking":"Check the weather.","signature":"EqQB"},
               {"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"weather"}},
               {"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[]},
               {"type":"text","text":"It is sunny.","citations":[{"type":"web_search_result_location","url":"https://example.com"}]},
               {"type":"tool_use","id":"toolu_1","name":"Write","input":{"path":"a.md","text":"sunny"}}
             ],
             "stop_reason":"tool_use","stop_sequence":null,
             "usage":{"input_tokens":2095,"output_tokens":503,"cache_creation_input_tokens":12,"cache_read_input_tokens":4096,"server_tool_use":{"web_search_requests":1},"service_tier":"standard"},
             "container":null}
            """
        )
        #expect(
            try AnthropicResponseDecoder.decode(body)
                == ChatResponse(
                    id: "msg_01Aq9w938a90dw8q",
                    model: "claude-sonnet-4-5-20250929",
                    content: [
                        .thinking(Thinking("Check the weather.", signature: "EqQB")),
                        .anthropicOnly(
                            AnthropicOnlyContent(anthropicBlock: [
                                "type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": ["query": "weather"],
                            ])),
                        .anthropicOnly(
                            AnthropicOnlyContent(anthropicBlock: [
                                "type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": [],
                            ])),
                        .text(
                            TextContent("It is sunny.", citations: [["type": "web_search_result_location", "url": "https://example.com"]])),
                        .toolUse(ToolUse(id: "toolu_1", name: "Write", input: ["path": "a.md", "text": "sunny"])),
                    ],
                    stopReason: .toolUse,
                    usage: Usage(inputTokens: 2095, outputTokens: 503, cacheReadInputTokens: 4096, cacheCreationInputTokens: 12)
                )
        )
    }

    @Test func encodedResponsesDecodeToThemselves() throws {
        for response in Fixtures.responses {
            #expect(try AnthropicResponseDecoder.decode(AnthropicResponseEncoder.encode(response)) == response)
        }
    }

    @Test func errorBodyIsThrownAsTheUpstreamsError() throws {
        let body = try Fixtures.json(#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}"#)
        #expect(throws: SluiceError(.overloaded, "Overloaded")) { try AnthropicResponseDecoder.decode(body) }
    }

    @Test func malformedResponseIsAnUpstreamFailureNamingTheField() throws {
        let cases: [(String, String)] = [
            (#"{"id":"m","content":[{"type":"text"}]}"#, "upstream sent a malformed response: content[0].text: field required"),
            (#"{"id":"m"}"#, "upstream sent a malformed response: content: field required"),
            (
                #"{"id":"m","content":[],"usage":{"input_tokens":"many"}}"#,
                "upstream sent a malformed response: usage.input_tokens: expected an integer"
            ),
            (#"[1]"#, "upstream sent a malformed response: body: expected an object"),
        ]
        for (text, message) in cases {
            #expect(throws: SluiceError.upstreamFailed(message)) { try AnthropicResponseDecoder.decode(try Fixtures.json(text)) }
        }
    }
}
