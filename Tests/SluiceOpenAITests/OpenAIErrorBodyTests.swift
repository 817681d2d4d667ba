import SluiceCore
import SluiceOpenAI
import Testing

@Suite struct OpenAIErrorBodyTests {
    @Test(arguments: [
        (SluiceError.invalidRequest("messages: field required"), "invalid_request_error", JSONValue.null),
        (SluiceError(.authentication, "invalid key"), "authentication_error", "invalid_api_key"),
        (SluiceError(.permission, "model not allowed for this key"), "permission_error", "model_not_allowed"),
        (SluiceError(.permission, "monthly budget spent", code: "budget_exceeded"), "permission_error", "budget_exceeded"),
        (SluiceError.notFound("no route for model 'x'"), "not_found_error", nil),
        (SluiceError(.requestTooLarge, "body over 32 MiB"), "invalid_request_error", "request_too_large"),
        (SluiceError(.unsupportedMediaType, "send JSON"), "invalid_request_error", "unsupported_media_type"),
        (SluiceError(.rateLimited, "slow down", retryAfter: 3), "rate_limit_error", "rate_limit_exceeded"),
        (SluiceError.upstreamFailed("upstream failed (HTTP 500)"), "api_error", nil),
        (SluiceError.upstreamTimedOut("upstream timed out"), "api_error", nil),
        (SluiceError(.overloaded, "busy"), "overloaded_error", nil),
        (SluiceError.internalFailure("bug"), "api_error", nil),
        (SluiceError.promptTooLong(tokens: 5, maximum: 4), "invalid_request_error", nil),
    ])
    func errorShapes(error: SluiceError, type: String, code: JSONValue) {
        let expected: JSONValue = ["error": ["message": .string(error.message), "type": .string(type), "param": nil, "code": code]]
        #expect(OpenAIErrorBody.encode(error) == expected)
    }

    @Test func paramNamesTheFieldAtFault() {
        let body = OpenAIErrorBody.encode(.invalidField("temperature", "must be between 0 and 2"))
        let expected: JSONValue = [
            "error": [
                "message": "temperature: must be between 0 and 2", "type": "invalid_request_error", "param": "temperature", "code": nil,
            ]
        ]
        #expect(body == expected)
    }

    @Test func everyCategoryHasAType() {
        for category in SluiceError.Category.allCases {
            let body = OpenAIErrorBody.encode(SluiceError(category, "m"))
            #expect(body["error"]?["type"]?.stringValue?.isEmpty == false)
        }
    }
}
