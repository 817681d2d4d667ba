import SluiceCore
import SluiceOpenAI
import SluiceTestSupport
import Testing

/// Seeded property tests of the OpenAI front: a mutated or truncated request decodes (and then
/// encodes for either kind of upstream) or is a client error, never a crash or a 5xx.
@Suite struct OpenAIRequestDecoderFuzzTests {
    static let validRequests = [
        #"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#,
        #"""
        {"model":"gpt","stream":true,"stream_options":{"include_usage":true},"max_completion_tokens":100,"max_tokens":50,
         "temperature":0.7,"top_p":0.9,"top_k":40,"min_p":0.05,"repetition_penalty":1.1,"n":1,"seed":7,"stop":["x","y"],
         "presence_penalty":0.5,"frequency_penalty":-0.5,"user":"u","reasoning_effort":"low","parallel_tool_calls":false,
         "tools":[{"type":"function","function":{"name":"read","description":"d","parameters":{"type":"object","properties":{"p":{"type":"string"}}}}}],
         "tool_choice":{"type":"function","function":{"name":"read"}},
         "messages":[{"role":"system","content":"s"},{"role":"developer","content":[{"type":"text","text":"d"}]},
                     {"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]},
                     {"role":"assistant","content":null,"reasoning_content":"r","tool_calls":[{"id":"c1","type":"function","function":{"name":"read","arguments":"{\"p\":1}"}}]},
                     {"role":"tool","tool_call_id":"c1","content":"A"},{"role":"system","content":"late"}]}
        """#,
    ].map { try! JSONParser.parse($0) }

    private func decodeOrRefuse(_ body: JSONValue) {
        do {
            let (request, _) = try OpenAIRequestDecoder.decode(body)
            let options = OpenAIUpstreamOptions(systemMessages: .fold, extendedSampling: true, reasoning: .reasoningEffort)
            _ = OpenAIRequestEncoder.encode(request, stream: request.stream, options: options).serialized()
            _ = OpenAIRequestEncoder.encode(request, stream: request.stream, options: OpenAIUpstreamOptions()).serialized()
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
        #expect(try DecoderFuzzing.corpus("openai", decodeOrRefuse) > 5)
    }

    @Test func aToolSchemaWithManyPropertiesCostsLinearTime() throws {
        let properties = JSONObject((0..<80_000).map { ("p\($0)", JSONValue.object(["type": "string"])) })
        let body: JSONValue = [
            "model": "m", "messages": [["role": "user", "content": "hi"]],
            "tools": [["type": "function", "function": ["name": "t", "parameters": ["properties": .object(properties)]]]],
        ]
        let (roundTrip, serializing) = try LinearTime.compare(
            {
                let (request, _) = try OpenAIRequestDecoder.decode(body)
                _ = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions()).serialized()
            },
            with: { _ = body.serialized() })
        #expect(roundTrip < serializing * 20, "decoding and encoding took \(roundTrip), serializing the body \(serializing)")
    }
}
