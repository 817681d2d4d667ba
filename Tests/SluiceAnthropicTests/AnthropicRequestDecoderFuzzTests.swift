import SluiceAnthropic
import SluiceCore
import SluiceTestSupport
import Testing

/// Seeded property tests of the Anthropic front: a mutated or truncated request decodes (and then
/// encodes for an upstream) or is a client error, never a crash or a 5xx.
@Suite struct AnthropicRequestDecoderFuzzTests {
    static let validRequests = [
        #"{"model":"m","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}"#,
        #"""
        {"model":"claude","max_tokens":128000,"stream":true,"temperature":1,"top_p":0.9,"top_k":5,"stop_sequences":["x"],
         "system":[{"type":"text","text":"s","cache_control":{"type":"ephemeral"}}],"metadata":{"user_id":"u"},
         "thinking":{"type":"adaptive","display":"omitted"},"output_config":{"effort":"medium"},"context_management":{},
         "tools":[{"name":"read","description":"d","input_schema":{"type":"object","properties":{"path":{"type":"string"}}}},
                  {"type":"web_search_20250305","name":"web_search"}],
         "tool_choice":{"type":"auto","disable_parallel_tool_use":true},
         "messages":[{"role":"user","content":[{"type":"text","text":"read a"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}}]},
                     {"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"s"},{"type":"tool_use","id":"t1","name":"read","input":{"path":"a"}}]},
                     {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"A"}]},{"type":"text","text":"<system-reminder>r</system-reminder>"}]},
                     {"role":"system","content":"late system"}]}
        """#,
    ].map { try! JSONParser.parse($0) }

    private func decodeOrRefuse(_ body: JSONValue) {
        do {
            let request = try AnthropicRequestDecoder.decode(body, betaHeader: "a, b,,")
            _ = AnthropicRequestEncoder.encode(request, stream: request.stream).serialized()
        } catch {
            #expect(error.category == .invalidRequest, "\(error)")
        }
    }

    @Test(arguments: 0..<4)
    func mutatedRequestsDecodeOrAreRefused(seed: UInt64) {
        DecoderFuzzing.mutatedValues(of: Self.validRequests, seed: seed, decodeOrRefuse)
    }

    @Test(arguments: 0..<2)
    func mutatedRequestTextParsesAndDecodesOrIsRefused(seed: UInt64) {
        DecoderFuzzing.mutatedTexts(of: Self.validRequests, seed: seed, decodeOrRefuse)
    }

    @Test func corpusRequestsDecodeOrAreRefused() throws {
        #expect(try DecoderFuzzing.corpus("anthropic", decodeOrRefuse) > 5)
    }
}

/// The decoder and encoder stay linear in the keys of one object (a hostile body's unknown fields
/// or schema properties), so only the parser's cap bounds what such a body costs.
@Suite struct AnthropicLargeObjectTests {
    private func request(fields: Int) -> JSONValue {
        var body: JSONObject = ["model": "m", "max_tokens": 1, "messages": [["role": "user", "content": "hi"]]]
        let properties = JSONObject((0..<fields).map { ("p\($0)", JSONValue.object(["type": "string"])) })
        body["tools"] = [["name": "t", "input_schema": ["type": "object", "properties": .object(properties)]]]
        for index in 0..<fields { body["x\(index)"] = .integer(index) }
        return .object(body)
    }

    @Test func manyUnknownFieldsAndSchemaPropertiesCostLinearTime() throws {
        let body = request(fields: 80_000)
        let (roundTrip, serializing) = try LinearTime.compare(
            { _ = AnthropicRequestEncoder.encode(try AnthropicRequestDecoder.decode(body, betaHeader: nil), stream: false).serialized() },
            with: { _ = body.serialized() })
        #expect(roundTrip < serializing * 20, "decoding and encoding took \(roundTrip), serializing the body \(serializing)")
        let decoded = try AnthropicRequestDecoder.decode(request(fields: 100), betaHeader: nil)
        #expect(decoded.anthropicExtraFields.count == 100)
        #expect(AnthropicRequestEncoder.encode(decoded, stream: false)["x99"] == 99)
    }

    @Test(arguments: [
        (#""max_tokens":1,"temperature":1.5"#, "temperature: must be between 0 and 1"),
        (#""max_tokens":1,"top_p":-0.1"#, "top_p: must be between 0 and 1"),
        (#""max_tokens":1,"top_k":-1"#, "top_k: must be at least 0"),
        (#""max_tokens":-9223372036854775808"#, "max_tokens: must be at least 1"),
    ])
    func samplingValuesOutOfAnthropicsRangesAreRefused(field: String, message: String) throws {
        let body = try JSONParser.parse(#"{"model":"m","messages":[{"role":"user","content":"hi"}],"# + field + "}")
        let error = try #require(throws: SluiceError.self) { try AnthropicRequestDecoder.decode(body, betaHeader: nil) }
        #expect(error.message == message)
    }
}
