import SluiceAnthropic
import SluiceCore
import Testing

@Suite struct AnthropicResponseEncoderTests {
    @Test func encodesEveryAnswerBlock() {
        #expect(
            AnthropicResponseEncoder.encode(Fixtures.responses[1]).serializedString()
                == #"{"id":"msg_full","type":"message","role":"assistant","model":"claude-opus-4-1","content":["#
                + #"{"type":"thinking","thinking":"Two files to read.\nStart with main.","signature":"sig-abc"},"#
                + #"{"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"},"#
                + #"{"type":"text","text":"I'll read both files."},"#
                + #"{"type":"tool_use","id":"toolu_1","name":"Read","input":{"file_path":"/a/main.swift","limit":40}},"#
                + #"{"type":"tool_use","id":"toolu_2","name":"TodoRead","input":{}}],"#
                + #""stop_reason":"tool_use","stop_sequence":null,"#
                + #""usage":{"input_tokens":3,"output_tokens":120,"cache_read_input_tokens":50000,"cache_creation_input_tokens":2048}}"#
        )
    }

    @Test func unsignedThinkingGetsAnEmptySignature() {
        let response = ChatResponse(
            id: "msg_1", model: "qwen3", content: [.thinking(Thinking("hmm"))], stopReason: .endTurn, usage: Usage())
        #expect(AnthropicResponseEncoder.encode(response)["content"] == [["type": "thinking", "thinking": "hmm", "signature": ""]])
    }

    @Test func stopSequenceIsReported() {
        let body = AnthropicResponseEncoder.encode(Fixtures.responses[2])
        #expect(body["stop_reason"] == "stop_sequence")
        #expect(body["stop_sequence"] == "4")
    }

    @Test func missingStopReasonIsNull() {
        let response = ChatResponse(
            id: "msg_1", model: "m", content: [.image(ImageContent(source: .url("u")))], stopReason: nil, usage: Usage())
        let body = AnthropicResponseEncoder.encode(response)
        #expect(body["stop_reason"] == .null)
        #expect(body["content"] == [])
    }

    @Test(
        arguments: [
            (SluiceError.Category.invalidRequest, "invalid_request_error"),
            (.authentication, "authentication_error"),
            (.permission, "permission_error"),
            (.notFound, "not_found_error"),
            (.requestTooLarge, "request_too_large"),
            (.unsupportedMediaType, "invalid_request_error"),
            (.rateLimited, "rate_limit_error"),
            (.upstreamFailed, "api_error"),
            (.upstreamTimedOut, "api_error"),
            (.overloaded, "overloaded_error"),
            (.internalFailure, "api_error"),
        ]
    )
    func errorBodyCarriesTheAnthropicType(category: SluiceError.Category, type: String) {
        #expect(
            AnthropicErrorBody.encode(SluiceError(category, "went \"wrong\"")).serializedString()
                == #"{"type":"error","error":{"type":"\#(type)","message":"went \"wrong\""}}"#
        )
    }

    @Test func modelListHasAnthropicShape() {
        #expect(
            AnthropicModelList.encode(models: [
                ModelListing(id: "claude-sonnet-4-5", displayName: "claude-sonnet-4-5"),
                ModelListing(id: "qwen3-coder", displayName: "Qwen 3 Coder"),
            ]).serializedString()
                == #"{"data":[{"type":"model","id":"claude-sonnet-4-5","display_name":"claude-sonnet-4-5","created_at":"2025-01-01T00:00:00Z"},"#
                + #"{"type":"model","id":"qwen3-coder","display_name":"Qwen 3 Coder","created_at":"2025-01-01T00:00:00Z"}],"#
                + #""has_more":false,"first_id":"claude-sonnet-4-5","last_id":"qwen3-coder"}"#
        )
        #expect(AnthropicModelList.encode(models: []).serializedString() == #"{"data":[],"has_more":false,"first_id":null,"last_id":null}"#)
    }

    @Test func countTokensResponse() {
        #expect(AnthropicCountTokensResponse.encode(inputTokens: 21_337).serializedString() == #"{"input_tokens":21337}"#)
    }
}
