import SluiceCore
import SluiceOpenAI
import Testing

/// `response_format` on the Chat Completions front and towards OpenAI-compatible upstreams.
@Suite struct ResponseFormatOpenAITests {
    private func decode(_ format: String) throws(SluiceError) -> ResponseFormat? {
        try OpenAIRequestDecoder.decode(
            json(#"{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":"# + format + "}")
        ).request.responseFormat
    }

    @Test func theThreeFormatsDecode() throws {
        #expect(try decode(#"{"type":"text"}"#) == .text)
        #expect(try decode(#"{"type":"json_object"}"#) == .jsonObject)
        #expect(
            try decode(#"{"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object","required":[]},"strict":true}}"#)
                == .jsonSchema(name: "w", schema: ["type": "object", "required": []], strict: true))
        // `strict` defaults to false and a missing schema means any JSON, as on OpenAI.
        #expect(try decode(#"{"type":"json_schema","json_schema":{"name":"w"}}"#) == .jsonSchema(name: "w", schema: [:], strict: false))
        #expect(try decode("null") == nil)
    }

    @Test(arguments: [
        (#""text""#, "response_format", "response_format: expected an object"),
        (#"{}"#, "response_format.type", "response_format.type: field required"),
        (#"{"type":"xml"}"#, "response_format.type", #"response_format.type: expected "text", "json_object" or "json_schema""#),
        (#"{"type":"json_schema"}"#, "response_format.json_schema", "response_format.json_schema: field required"),
        (
            #"{"type":"json_schema","json_schema":{"schema":{}}}"#, "response_format.json_schema.name",
            "response_format.json_schema.name: field required"
        ),
        (
            #"{"type":"json_schema","json_schema":{"name":""}}"#, "response_format.json_schema.name",
            "response_format.json_schema.name: must not be empty"
        ),
        (
            #"{"type":"json_schema","json_schema":{"name":"w","schema":[]}}"#, "response_format.json_schema.schema",
            "response_format.json_schema.schema: expected an object"
        ),
        (
            #"{"type":"json_schema","json_schema":{"name":"w","strict":"yes"}}"#, "response_format.json_schema.strict",
            "response_format.json_schema.strict: expected a boolean"
        ),
    ])
    func aMalformedFormatIsA400NamingTheField(format: String, param: String, message: String) throws {
        let error = try #require(throws: SluiceError.self) { try decode(format) }
        #expect(error.httpStatus == 400)
        #expect(error.param == param)
        #expect(error.message == message)
    }

    @Test func upstreamsGetTheFormatAsOpenAIDefinesItWithTheSchemaUntouched() throws {
        let schema = json(
            #"{"type":"object","properties":{"z":{"type":"string"},"a":{"type":"integer"}},"required":["z","a"],"additionalProperties":false}"#
        )
        var request = ChatRequest(model: "m", messages: [.user("hi")])
        request.responseFormat = .jsonSchema(name: "pair", schema: schema, strict: true)
        let body = OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions())
        #expect(
            body["response_format"]?.serializedString()
                == #"{"type":"json_schema","json_schema":{"name":"pair","schema":"# + schema.serializedString() + #","strict":true}}"#)
        request.responseFormat = .jsonObject
        #expect(
            OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions())["response_format"] == [
                "type": "json_object"
            ])
        request.responseFormat = nil
        #expect(OpenAIRequestEncoder.encode(request, stream: false, options: OpenAIUpstreamOptions())["response_format"] == nil)
    }

    @Test func aDecodedFormatEncodesBackAsSent() throws {
        let format = #"{"type":"json_schema","json_schema":{"name":"w","schema":{"type":"array","items":{"enum":[1,"a"]}},"strict":false}}"#
        let request = try #require(try decode(format))
        var canonical = ChatRequest(model: "m", messages: [.user("hi")])
        canonical.responseFormat = request
        #expect(OpenAIRequestEncoder.encode(canonical, stream: false, options: OpenAIUpstreamOptions())["response_format"] == json(format))
    }
}
