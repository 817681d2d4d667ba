import SluiceCore
import SluiceOpenAI
import Testing

/// Out-of-range values are refused as OpenAI refuses them, with `param` naming the field, so a
/// hostile or buggy client cannot forward them to an upstream or the engine.
@Suite struct OpenAIRequestValidationTests {
    private func decode(adding field: String) throws(SluiceError) {
        _ = try OpenAIRequestDecoder.decode(json(#"{"model":"m","messages":[{"role":"user","content":"hi"}],"# + field + "}"))
    }

    @Test(arguments: [
        (#""max_tokens":-1"#, "max_tokens", "max_tokens: must be at least 1"),
        (#""max_tokens":0"#, "max_tokens", "max_tokens: must be at least 1"),
        (#""max_tokens":-9223372036854775808"#, "max_tokens", "max_tokens: must be at least 1"),
        (#""max_tokens":18446744073709551616"#, "max_tokens", "max_tokens: expected an integer"),
        (#""max_completion_tokens":-1"#, "max_completion_tokens", "max_completion_tokens: must be at least 1"),
        (#""max_completion_tokens":8,"max_tokens":0"#, "max_tokens", "max_tokens: must be at least 1"),
        (#""temperature":-1"#, "temperature", "temperature: must be between 0 and 2"),
        (#""temperature":1e308"#, "temperature", "temperature: must be between 0 and 2"),
        (#""temperature":1e999"#, "temperature", "temperature: must be between 0 and 2"),
        (#""top_p":-1"#, "top_p", "top_p: must be between 0 and 1"),
        (#""top_p":2"#, "top_p", "top_p: must be between 0 and 1"),
        (#""top_k":-1"#, "top_k", "top_k: must be at least 0"),
        (#""n":0"#, "n", "n: only 1 is supported"),
        (#""presence_penalty":-2.5"#, "presence_penalty", "presence_penalty: must be between -2 and 2"),
        (#""frequency_penalty":1e308"#, "frequency_penalty", "frequency_penalty: must be between -2 and 2"),
        (#""seed":1.5"#, "seed", "seed: expected an integer"),
        (#""stop":[1]"#, "stop[0]", "stop[0]: expected a string"),
        (#""stream":"yes""#, "stream", "stream: expected a boolean"),
    ])
    func outOfRangeValuesAreRefusedNamingTheParam(field: String, param: String, message: String) throws {
        let error = try #require(throws: SluiceError.self) { try decode(adding: field) }
        #expect(error.message == message)
        #expect(error.param == param)
        #expect(error.httpStatus == 400)
    }

    @Test(arguments: [
        #""max_tokens":1"#, #""temperature":0"#, #""temperature":2"#, #""top_p":0"#, #""top_p":1"#, #""top_k":0"#,
        #""presence_penalty":-2"#, #""frequency_penalty":2"#, #""seed":-9223372036854775808"#, #""n":1"#,
    ])
    func valuesAtTheEdgeOfTheirRangeAreAccepted(field: String) throws {
        try decode(adding: field)
    }

    @Test func aNestedErrorNamesItsPathAsParam() throws {
        let body = json(#"{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","content":5}]}"#)
        let error = try #require(throws: SluiceError.self) { try OpenAIRequestDecoder.decode(body) }
        #expect(error.param == "messages[1].content")
        #expect(OpenAIErrorBody.encode(error)["error"]?["param"] == "messages[1].content")
    }
}
