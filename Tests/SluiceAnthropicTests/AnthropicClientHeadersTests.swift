import SluiceAnthropic
import SluiceCore
import Testing

/// What of an Anthropic upstream's answer reaches Anthropic clients untouched.
@Suite struct AnthropicClientHeadersTests {
    private let upstreamHeaders = [
        HeaderField(name: "Content-Type", value: "application/json"),
        HeaderField(name: "anthropic-ratelimit-requests-remaining", value: "49"),
        HeaderField(name: "Anthropic-RateLimit-Unified-Status", value: "allowed_warning"),
        HeaderField(name: "anthropic-ratelimit-unified-5h-utilization", value: "0.91"),
        HeaderField(name: "x-should-retry", value: "false"),
        HeaderField(name: "retry-after", value: "1.5"),
        HeaderField(name: "request-id", value: "req_upstream"),
        HeaderField(name: "set-cookie", value: "session=1"),
        HeaderField(name: "anthropic-organization-id", value: "org"),
    ]

    @Test func rateLimitAndRetryHeadersPassAndNothingElse() {
        #expect(
            AnthropicClientHeaders.select(from: upstreamHeaders).map(\.name) == [
                "anthropic-ratelimit-requests-remaining", "Anthropic-RateLimit-Unified-Status",
                "anthropic-ratelimit-unified-5h-utilization", "x-should-retry",
            ])
    }

    @Test func anAnthropicErrorBodyIsKeptByteForByte() throws {
        let body = Array(
            #"{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}"#
                .utf8)
        let reply = try #require(AnthropicUpstreamError.reply(status: 429, headers: upstreamHeaders, body: body))
        #expect(reply.status == 429)
        #expect(reply.body == body)
        #expect(reply.headers == AnthropicClientHeaders.select(from: upstreamHeaders))
    }

    @Test(arguments: [401, 403]) func credentialFailuresAreNotPassedOn(status: Int) {
        let body = Array(#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#.utf8)
        #expect(AnthropicUpstreamError.reply(status: status, headers: [], body: body) == nil)
    }

    @Test(arguments: ["<html>502 Bad Gateway</html>", #"{"error":"boom"}"#, #"{"type":"error"}"#, ""])
    func aBodyNotInAnthropicsErrorShapeIsNotPassedOn(body: String) {
        #expect(AnthropicUpstreamError.reply(status: 502, headers: [], body: Array(body.utf8)) == nil)
    }
}
