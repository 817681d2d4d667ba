public import SluiceCore

/// How a traced request ended, for the attributes its span closes with.
public struct RequestOutcome: Sendable {
    /// The HTTP status recorded for the request (499 when the client left).
    public var status: Int
    public var usage: Usage
    /// The error category of a failed request (`rate_limit_error`, `upstream_error`, …).
    public var failureCategory: String?
    public var responseModel: String?
    public var responseID: String?
    public var stopReason: StopReason?
    /// When the first generated content went out to the client.
    public var firstTokenAt: ContinuousClock.Instant?
    /// The whole answer as the client saw it, kept only when the span captures content.
    public var answer: ChatResponse?

    public init(
        status: Int, usage: Usage, failureCategory: String? = nil, responseModel: String? = nil, responseID: String? = nil,
        stopReason: StopReason? = nil, firstTokenAt: ContinuousClock.Instant? = nil, answer: ChatResponse? = nil
    ) {
        self.status = status
        self.usage = usage
        self.failureCategory = failureCategory
        self.responseModel = responseModel
        self.responseID = responseID
        self.stopReason = stopReason
        self.firstTokenAt = firstTokenAt
        self.answer = answer
    }
}
