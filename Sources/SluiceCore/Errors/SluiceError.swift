/// An error a client can be told about, in whichever protocol it speaks.
///
/// Each error knows its HTTP status and category; fronts render it in their own shape
/// (Anthropic `{"type":"error",…}`, OpenAI `{"error":{…}}`). The message is written for the
/// caller and must never contain a key, a prompt or a scrubbed value, so it is also safe to log.
public struct SluiceError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Category: String, Sendable, Hashable, CaseIterable {
        case invalidRequest = "invalid_request_error"
        case authentication = "authentication_error"
        case permission = "permission_error"
        case notFound = "not_found_error"
        case requestTooLarge = "request_too_large"
        case unsupportedMediaType = "unsupported_media_type"
        /// The client was too slow sending its request.
        case requestTimeout = "request_timeout"
        case rateLimited = "rate_limit_error"
        case upstreamFailed = "upstream_failed"
        case upstreamTimedOut = "upstream_timed_out"
        case overloaded = "overloaded_error"
        /// Sluice cannot answer for now through no fault of the request: its database is unreachable.
        case unavailable = "service_unavailable"
        case internalFailure = "api_error"
    }

    public let category: Category
    public let message: String
    /// Seconds a client should wait before retrying, when known (429, 529).
    public let retryAfter: Double?
    /// A machine-readable detail for protocols that carry one (OpenAI's `code`).
    public let code: String?
    /// The request field at fault, as a path (`temperature`, `messages[1].content`), for protocols
    /// that carry one (OpenAI's `param`).
    public let param: String?
    /// The error answer of an Anthropic upstream, which the Anthropic front sends instead of its
    /// own rendering of this error; other fronts ignore it.
    public private(set) var anthropicReply: UpstreamReply?

    public init(_ category: Category, _ message: String, retryAfter: Double? = nil, code: String? = nil, param: String? = nil) {
        self.category = category
        self.message = message
        self.retryAfter = retryAfter
        self.code = code
        self.param = param
    }

    public var description: String { "\(category.rawValue): \(message)" }

    /// This error, carrying the Anthropic upstream's answer it stands for.
    public func passingOn(anthropicReply reply: UpstreamReply?) -> SluiceError {
        var error = self
        error.anthropicReply = reply
        return error
    }

    /// The HTTP status the fronts answer with.
    public var httpStatus: Int {
        switch category {
        case .invalidRequest: 400
        case .authentication: 401
        case .permission: 403
        case .notFound: 404
        case .requestTimeout: 408
        case .requestTooLarge: 413
        case .unsupportedMediaType: 415
        case .rateLimited: 429
        case .internalFailure: 500
        case .upstreamFailed: 502
        case .upstreamTimedOut: 504
        case .unavailable: 503
        case .overloaded: 529
        }
    }

    /// Whether a router may try again or fall back to another backend (only before the client got a byte).
    public var isRetriable: Bool {
        switch category {
        case .upstreamFailed, .upstreamTimedOut, .overloaded, .rateLimited: true
        default: false
        }
    }

    public static func invalidRequest(_ message: String) -> SluiceError { SluiceError(.invalidRequest, message) }
    /// A 400 about one field; the message starts with its path, as every decoder error does.
    public static func invalidField(_ path: String, _ problem: String) -> SluiceError {
        SluiceError(.invalidRequest, "\(path): \(problem)", param: path)
    }
    public static func notFound(_ message: String) -> SluiceError { SluiceError(.notFound, message) }
    public static func internalFailure(_ message: String) -> SluiceError { SluiceError(.internalFailure, message) }
    public static func upstreamFailed(_ message: String) -> SluiceError { SluiceError(.upstreamFailed, message) }
    public static func upstreamTimedOut(_ message: String) -> SluiceError { SluiceError(.upstreamTimedOut, message) }

    /// The wording Claude Code recognises as a context overflow and answers by compacting.
    public static func promptTooLong(tokens: Int, maximum: Int) -> SluiceError {
        SluiceError(.invalidRequest, "prompt is too long: \(tokens) tokens > \(maximum) maximum")
    }
}
