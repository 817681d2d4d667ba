import SluiceAnthropic
import SluiceCore
import Testing

/// Structured output on the Anthropic side: `output_config.format`, merged with what else the
/// client put in `output_config`.
@Suite struct ResponseFormatAnthropicTests {
    static let schema: JSONValue = [
        "type": "object", "properties": ["b": ["type": "string"], "a": ["type": "integer"]], "required": ["b", "a"],
        "additionalProperties": false,
    ]

    @Test func aJSONSchemaFormatBecomesOutputConfigFormat() {
        var request = ChatRequest(model: "claude-sonnet-4-5", messages: [.user("hi")])
        request.responseFormat = .jsonSchema(name: "pair", schema: Self.schema, strict: true)
        let body = AnthropicRequestEncoder.encode(request, stream: false)
        #expect(body["output_config"] == ["format": ["type": "json_schema", "schema": Self.schema]])
        #expect(body["output_config"]?["format"]?["schema"]?.serializedString() == Self.schema.serializedString())
    }

    @Test func theClientsOutputConfigIsMergedNotReplaced() {
        var request = ChatRequest(model: "claude-sonnet-4-5", messages: [.user("hi")], effort: "high")
        request.anthropicExtraFields["output_config"] = ["effort": "low", "task_budget": 3]
        request.responseFormat = .jsonSchema(name: "pair", schema: Self.schema, strict: false)
        let body = AnthropicRequestEncoder.encode(request, stream: false)
        #expect(
            body["output_config"] == ["effort": "high", "task_budget": 3, "format": ["type": "json_schema", "schema": Self.schema]])
    }

    @Test func formatsAnthropicHasNoEquivalentForLeaveTheClientsFormatAlone() {
        var request = ChatRequest(model: "claude-sonnet-4-5", messages: [.user("hi")])
        request.anthropicExtraFields["output_config"] = ["format": ["type": "something_new"]]
        for format in [ResponseFormat.text, .jsonObject] {
            request.responseFormat = format
            #expect(AnthropicRequestEncoder.encode(request, stream: false)["output_config"] == ["format": ["type": "something_new"]])
        }
    }

    @Test func anAnthropicClientsSchemaReachesTheCanonicalRequest() throws {
        let body: JSONValue = [
            "model": "m", "max_tokens": 10, "messages": [["role": "user", "content": "hi"]],
            "output_config": ["effort": "low", "format": ["type": "json_schema", "schema": Self.schema]],
        ]
        let request = try AnthropicRequestDecoder.decode(body, betaHeader: nil)
        #expect(request.responseFormat == .jsonSchema(name: "output", schema: Self.schema, strict: true))
        #expect(request.effort == "low")
        // Back to Anthropic exactly as sent.
        #expect(AnthropicRequestEncoder.encode(request, stream: false)["output_config"] == body["output_config"])

        var fields = try #require(body.objectValue)
        fields["output_config"] = ["format": ["type": "something_new"]]
        #expect(try AnthropicRequestDecoder.decode(.object(fields), betaHeader: nil).responseFormat == nil)
    }

    @Test func aMalformedAnthropicFormatIsA400NamingTheField() throws {
        let body: JSONValue = [
            "model": "m", "max_tokens": 10, "messages": [["role": "user", "content": "hi"]],
            "output_config": ["format": ["type": "json_schema"]],
        ]
        let error = try #require(throws: SluiceError.self) { try AnthropicRequestDecoder.decode(body, betaHeader: nil) }
        #expect(error.message == "output_config.format.schema: field required")
    }
}
