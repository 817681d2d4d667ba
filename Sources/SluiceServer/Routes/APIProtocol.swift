internal import HTTPTypes
internal import Hummingbird
internal import NIOCore
internal import SluiceAnthropic
internal import SluiceCore
internal import SluiceOpenAI

/// The API a request speaks, which decides the shape of every error it gets back.
enum APIProtocol: Sendable {
    case anthropic
    case openai

    /// Anthropic for `/v1/messages…` and `/anthropic/…`, and for `/v1/models` when the client sends
    /// `anthropic-version` (the Anthropic SDKs always do); OpenAI otherwise.
    init(for request: Request) {
        let path = request.uri.path
        if path.hasPrefix("/v1/messages") || path.hasPrefix("/anthropic/") {
            self = .anthropic
        } else if path.hasPrefix("/v1/chat/") {
            self = .openai
        } else {
            self = request.headers[.anthropicVersion] != nil ? .anthropic : .openai
        }
    }

    func errorBody(_ error: SluiceError) -> JSONValue {
        switch self {
        case .anthropic: AnthropicErrorBody.encode(error)
        case .openai: OpenAIErrorBody.encode(error)
        }
    }

    /// `error` as a response in this protocol's shape, with the retry headers SDKs honour: a bad
    /// key or a malformed request will not get better by retrying, so clients are told not to.
    /// `retry-after` is whole seconds, rounded up, whatever form the upstream used.
    ///
    /// An Anthropic upstream's own error answer reaches an Anthropic client as it was sent (status,
    /// body, `x-should-retry` and `anthropic-ratelimit-*`): Claude Code's retry logic reads it.
    func response(for error: SluiceError) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter = error.retryAfter {
            headers[.retryAfter] = String(Int(retryAfter.rounded(.up)))
            headers[.retryAfterMilliseconds] = String(Int((retryAfter * 1000).rounded(.up)))
        }
        if self == .anthropic, let reply = error.anthropicReply {
            headers.appendAbsent(reply.headers)
            if headers[.shouldRetry] == nil { headers[.shouldRetry] = Self.shouldRetry(error) }
            return Response(
                status: HTTPResponse.Status(code: reply.status), headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
        }
        headers[.shouldRetry] = Self.shouldRetry(error)
        return Response(
            status: HTTPResponse.Status(code: error.httpStatus),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: errorBody(error).serialized())))
    }

    /// A spent budget or quota (`insufficient_quota`) lasts until its period ends: not worth an SDK's quick retries.
    private static func shouldRetry(_ error: SluiceError) -> String {
        guard error.code != "insufficient_quota" else { return "false" }
        return error.isRetriable || error.category == .internalFailure || error.category == .requestTimeout ? "true" : "false"
    }
}

extension HTTPField.Name {
    static let anthropicVersion = HTTPField.Name("anthropic-version")!
    static let anthropicBeta = HTTPField.Name("anthropic-beta")!
    static let xAPIKey = HTTPField.Name("x-api-key")!
    static let requestID = HTTPField.Name("request-id")!
    static let retryAfterMilliseconds = HTTPField.Name("retry-after-ms")!
    static let shouldRetry = HTTPField.Name("x-should-retry")!
    static let sluiceBackend = HTTPField.Name("x-sluice-backend")!
    /// W3C trace context.
    static let traceparent = HTTPField.Name("traceparent")!
    static let tracestate = HTTPField.Name("tracestate")!
}
