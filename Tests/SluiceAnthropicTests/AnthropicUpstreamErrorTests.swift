import SluiceAnthropic
import SluiceCore
import Testing

@Suite struct AnthropicUpstreamErrorTests {
    private func body(_ type: String, _ message: String) -> [UInt8] {
        Array(#"{"type":"error","error":{"type":"\#(type)","message":"\#(message)"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}"#.utf8)
    }

    @Test(
        arguments: [
            (400, SluiceError.Category.invalidRequest),
            (404, .notFound),
            (413, .requestTooLarge),
            (429, .rateLimited),
            (500, .upstreamFailed),
            (502, .upstreamFailed),
            (503, .overloaded),
            (504, .upstreamFailed),
            (529, .overloaded),
            (418, .upstreamFailed),
        ]
    )
    func statusDecidesTheCategory(status: Int, category: SluiceError.Category) {
        let error = AnthropicUpstreamError.error(status: status, body: body("api_error", "Something happened"), retryAfter: nil)
        #expect(error.category == category)
        #expect(error.message == "Something happened")
    }

    @Test func promptTooLongKeepsTheWordingClaudeCodeRecognises() {
        let error = AnthropicUpstreamError.error(
            status: 400,
            body: body("invalid_request_error", "prompt is too long: 208310 tokens > 200000 maximum"),
            retryAfter: nil
        )
        #expect(error == .promptTooLong(tokens: 208_310, maximum: 200_000))
    }

    @Test(arguments: [401, 403])
    func rejectedCredentialsAreSluicesProblemNotTheClients(status: Int) {
        let error = AnthropicUpstreamError.error(status: status, body: body("authentication_error", "invalid x-api-key"), retryAfter: nil)
        #expect(error == .upstreamFailed("upstream rejected Sluice's credentials (HTTP \(status))"))
        #expect(error.httpStatus == 502)
    }

    @Test func bodiesThatAreNotAnthropicErrorsAreNotEchoed() {
        let echo = Array(#"{"detail":"bad request","input":{"messages":[{"role":"user","content":"my secret plan"}]}}"#.utf8)
        #expect(AnthropicUpstreamError.error(status: 422, body: echo, retryAfter: nil) == .upstreamFailed("upstream returned HTTP 422"))
        #expect(
            AnthropicUpstreamError.error(status: 502, body: Array("<html>Bad Gateway</html>".utf8), retryAfter: nil)
                == .upstreamFailed("upstream returned HTTP 502")
        )
        #expect(AnthropicUpstreamError.error(status: 500, body: [], retryAfter: nil).message == "upstream returned HTTP 500")
    }

    @Test func retryAfterIsKeptOnRetriableErrors() {
        #expect(AnthropicUpstreamError.error(status: 429, body: body("rate_limit_error", "slow down"), retryAfter: 17).retryAfter == 17)
        #expect(AnthropicUpstreamError.error(status: 529, body: body("overloaded_error", "Overloaded"), retryAfter: 2.5).retryAfter == 2.5)
        #expect(
            AnthropicUpstreamError.error(status: 429, body: [], retryAfter: nil) == SluiceError(.rateLimited, "upstream returned HTTP 429"))
    }
}
