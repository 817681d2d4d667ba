import SluiceCore
import SluiceOpenAI
import Testing

@Suite struct OpenAIUpstreamErrorTests {
    static func error(_ status: Int, _ body: String, retryAfter: Double? = nil) -> SluiceError {
        OpenAIUpstreamError.error(status: status, body: Array(body.utf8), retryAfter: retryAfter)
    }

    @Test func badRequestKeepsTheUpstreamMessage() {
        let body =
            #"{"object":"error","message":"temperature must be non-negative, got -1.0.","type":"BadRequestError","param":null,"code":400}"#
        #expect(Self.error(400, body) == .invalidRequest("temperature must be non-negative, got -1.0."))
    }

    @Test func openAIShapedErrorKeepsItsCode() {
        let body =
            #"{"error":{"message":"Invalid value for 'tool_choice'.","type":"invalid_request_error","param":"tool_choice","code":"invalid_value"}}"#
        #expect(Self.error(400, body) == SluiceError(.invalidRequest, "Invalid value for 'tool_choice'.", code: "invalid_value"))
    }

    @Test func validationDumpThatEchoesTheRequestIsNotPassedOn() {
        let body =
            #"{"object":"error","message":"[{'type': 'missing', 'loc': ('body', 'messages'), 'msg': 'Field required', 'input': {'model': 'm', 'prompt': 'secret plans'}}]","type":"BadRequestError","code":400}"#
        let error = Self.error(422, body)
        #expect(error == .invalidRequest("upstream rejected the request (HTTP 422)"))
        #expect(!error.message.contains("secret"))
    }

    @Test(arguments: [
        // vLLM
        (
            #"{"object":"error","message":"This model's maximum context length is 32768 tokens. However, you requested 40210 tokens (39210 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}"#,
            SluiceError.promptTooLong(tokens: 39210, maximum: 32768)
        ),
        // newer vLLM
        (
            #"{"error":{"message":"This model's maximum context length is 32768 tokens. However, your request has 40000 input tokens. Please reduce the length of the input messages.","type":"BadRequestError","param":null,"code":400}}"#,
            .promptTooLong(tokens: 40000, maximum: 32768)
        ),
        // vLLM V1 engine
        (
            #"{"error":{"message":"The decoder prompt (length 33000) is longer than the maximum model length of 32768. Make sure that `max_model_len` is no smaller than the number of text tokens.","type":"BadRequestError","code":400}}"#,
            .promptTooLong(tokens: 33000, maximum: 32768)
        ),
        // OpenAI
        (
            #"{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"#,
            .promptTooLong(tokens: 130512, maximum: 128000)
        ),
        // SGLang
        (
            #"{"object":"error","message":"The input (40000 tokens) is longer than the model's context length (32768 tokens).","type":"BadRequestError","param":null,"code":400}"#,
            .promptTooLong(tokens: 40000, maximum: 32768)
        ),
        // llama-server
        (
            #"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":70000,"n_ctx":65536}}"#,
            .promptTooLong(tokens: 70000, maximum: 65536)
        ),
    ])
    func contextOverflowBecomesPromptTooLong(body: String, expected: SluiceError) {
        #expect(Self.error(400, body) == expected)
    }

    @Test func maxTokensTooLargeIsNotAPromptOverflow() {
        let message =
            "'max_tokens' or 'max_completion_tokens' is too large: 128000. This model's maximum context length is 32768 tokens and your request has 1200 input tokens (128000 > 32768 - 1200)."
        let body = #"{"object":"error","message":""# + message + #"","type":"BadRequestError","code":400}"#
        #expect(Self.error(400, body) == .invalidRequest(message))
    }

    @Test(arguments: [401, 403])
    func credentialsRejectionDoesNotEchoTheUpstream(status: Int) {
        let error = Self.error(
            status,
            #"{"error":{"message":"Incorrect API key provided: sk-abc***xyz.","type":"invalid_request_error","code":"invalid_api_key"}}"#
        )
        #expect(error == .upstreamFailed("upstream rejected Sluice's credentials (HTTP \(status))"))
    }

    @Test func notFound() {
        let error = Self.error(
            404,
            #"{"object":"error","message":"The model `qwen` does not exist.","type":"NotFoundError","param":null,"code":404}"#
        )
        #expect(error == .notFound("The model `qwen` does not exist."))
    }

    @Test func tooLarge() {
        #expect(
            Self.error(413, "<html>Request Entity Too Large</html>")
                == SluiceError(.requestTooLarge, "upstream says the request is too large (HTTP 413)")
        )
    }

    @Test func rateLimitedWithRetryAfter() {
        let body = #"{"error":{"message":"Rate limit reached for requests","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#
        let error = Self.error(429, body, retryAfter: 7)
        #expect(error == SluiceError(.rateLimited, "Rate limit reached for requests", retryAfter: 7, code: "rate_limit_exceeded"))
        #expect(error.isRetriable)
    }

    @Test(arguments: [503, 529])
    func overloaded(status: Int) {
        let error = Self.error(status, "Service Unavailable", retryAfter: 2.5)
        #expect(error == SluiceError(.overloaded, "upstream overloaded (HTTP \(status))", retryAfter: 2.5))
    }

    @Test func serverErrorIsAnUpstreamFailure() {
        let error = Self.error(500, #"{"error":{"message":"Internal server error","type":"InternalServerError","code":500}}"#)
        #expect(error == .upstreamFailed("upstream failed (HTTP 500): Internal server error"))
        #expect(Self.error(502, "Bad Gateway") == .upstreamFailed("upstream failed (HTTP 502)"))
        #expect(Self.error(418, "") == .upstreamFailed("upstream failed (HTTP 418)"))
    }

    @Test func longMessagesAreCut() {
        let body = #"{"error":{"message":""# + String(repeating: "x", count: 2000) + #""}}"#
        #expect(Self.error(500, body).message.count < 600)
    }
}
