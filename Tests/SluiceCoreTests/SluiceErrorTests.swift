import SluiceCore
import Testing

@Suite struct SluiceErrorTests {
    @Test func everyCategoryHasItsStatus() {
        let statuses: [SluiceError.Category: Int] = [
            .invalidRequest: 400, .authentication: 401, .permission: 403, .notFound: 404, .requestTimeout: 408, .requestTooLarge: 413,
            .unsupportedMediaType: 415, .rateLimited: 429, .internalFailure: 500, .upstreamFailed: 502, .upstreamTimedOut: 504,
            .overloaded: 529, .unavailable: 503,
        ]
        #expect(Set(statuses.keys) == Set(SluiceError.Category.allCases))
        for category in SluiceError.Category.allCases {
            #expect(SluiceError(category, "x").httpStatus == statuses[category], "\(category)")
        }
    }

    @Test func onlyUpstreamTroubleIsRetriable() {
        let retriable = SluiceError.Category.allCases.filter { SluiceError($0, "x").isRetriable }
        #expect(Set(retriable) == [.upstreamFailed, .upstreamTimedOut, .overloaded, .rateLimited])
    }

    @Test func categoriesUseTheAnthropicTypeNames() {
        #expect(
            SluiceError.Category.allCases.map(\.rawValue) == [
                "invalid_request_error", "authentication_error", "permission_error", "not_found_error", "request_too_large",
                "unsupported_media_type", "request_timeout", "rate_limit_error", "upstream_failed", "upstream_timed_out",
                "overloaded_error", "service_unavailable", "api_error",
            ])
    }

    @Test func aFieldErrorNamesTheFieldInMessageAndParam() {
        let error = SluiceError.invalidField("messages[1].content", "expected a string")
        #expect(error.message == "messages[1].content: expected a string")
        #expect(error.param == "messages[1].content")
        #expect(error.category == .invalidRequest)
    }

    @Test func promptTooLongUsesTheWordingClaudeCodeRecognises() {
        let error = SluiceError.promptTooLong(tokens: 5000, maximum: 4096)
        #expect(error.message == "prompt is too long: 5000 tokens > 4096 maximum")
        #expect(error.category == .invalidRequest)
        #expect(error.httpStatus == 400)
        #expect(!error.isRetriable)
    }

    @Test func staticConstructorsSetTheCategory() {
        #expect(SluiceError.invalidRequest("m") == SluiceError(.invalidRequest, "m"))
        #expect(SluiceError.notFound("m").category == .notFound)
        #expect(SluiceError.internalFailure("m").category == .internalFailure)
        #expect(SluiceError.upstreamFailed("m").category == .upstreamFailed)
        #expect(SluiceError.upstreamTimedOut("m").category == .upstreamTimedOut)
        #expect(SluiceError.upstreamFailed("m").retryAfter == nil)
    }

    @Test func descriptionIsCategoryAndMessage() {
        #expect(SluiceError.notFound("no route for model 'x'").description == "not_found_error: no route for model 'x'")
        #expect("\(SluiceError(.rateLimited, "slow down", retryAfter: 2, code: "rate_limit_exceeded"))" == "rate_limit_error: slow down")
    }

    @Test func retryAfterAndCodeTakePartInEquality() {
        let plain = SluiceError(.rateLimited, "slow down")
        #expect(plain != SluiceError(.rateLimited, "slow down", retryAfter: 2))
        #expect(plain != SluiceError(.rateLimited, "slow down", code: "c"))
        #expect(SluiceError(.rateLimited, "slow down", retryAfter: 2).retryAfter == 2)
    }
}
