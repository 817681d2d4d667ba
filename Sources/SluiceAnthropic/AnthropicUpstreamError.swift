public import SluiceCore

/// Turns an Anthropic-compatible upstream's failure into the ``SluiceError`` the client is told.
///
/// The error's message (which is logged, and is what OpenAI clients see) is only the upstream's own
/// error message, never its raw body: a server that is not Anthropic may echo the request back.
/// An Anthropic client gets the upstream's answer unmodified instead (see ``reply(status:headers:body:)``).
public enum AnthropicUpstreamError {
    /// The error for an HTTP error response.
    ///
    /// - Parameters:
    ///   - status: The upstream's HTTP status.
    ///   - body: The response body; its message is used when it is Anthropic's error shape.
    ///   - retryAfter: How long the upstream asked to wait, in seconds (see ``RetryAfter``).
    public static func error(status: Int, body: [UInt8], retryAfter wait: Double?) -> SluiceError {
        let message = (try? JSONParser.parse(body)).flatMap(errorMessage) ?? "upstream returned HTTP \(status)"
        switch status {
        case 400: return .invalidRequest(message)
        // The client must not be told its key is bad: this is the key Sluice holds for the upstream.
        case 401, 403: return .upstreamFailed("upstream rejected Sluice's credentials (HTTP \(status))")
        case 404: return .notFound(message)
        case 413: return SluiceError(.requestTooLarge, message)
        case 429: return SluiceError(.rateLimited, message, retryAfter: wait)
        case 503, 529: return SluiceError(.overloaded, message, retryAfter: wait)
        default: return .upstreamFailed(message)
        }
    }

    /// The upstream's answer as an Anthropic client may be sent it unmodified: an error body in
    /// Anthropic's shape, with the headers of ``AnthropicClientHeaders``. `nil` for anything else
    /// (an HTML page from a proxy gets Sluice's own error), and for 401 and 403, which are about the
    /// key Sluice holds for the upstream, not the client's.
    public static func reply(status: Int, headers: [HeaderField], body: [UInt8]) -> UpstreamReply? {
        guard status != 401, status != 403, let document = try? JSONParser.parse(body), document["type"] == "error",
            document["error"]?["type"]?.stringValue != nil
        else { return nil }
        return UpstreamReply(status: status, headers: AnthropicClientHeaders.select(from: headers), body: body)
    }

    /// The error an upstream reported inside a stream (`event: error`) or as a 200 body.
    static func reportedError(_ body: JSONValue) -> SluiceError {
        let message = errorMessage(body) ?? "upstream reported an error"
        switch body["error"]?["type"]?.stringValue {
        case "invalid_request_error": return .invalidRequest(message)
        case "authentication_error", "permission_error": return .upstreamFailed("upstream rejected Sluice's credentials")
        case "not_found_error": return .notFound(message)
        case "request_too_large": return SluiceError(.requestTooLarge, message)
        case "rate_limit_error": return SluiceError(.rateLimited, message)
        case "overloaded_error": return SluiceError(.overloaded, message)
        case "timeout_error": return .upstreamTimedOut(message)
        default: return .upstreamFailed(message)
        }
    }

    /// `error.message` of `{"type":"error","error":{"type":…,"message":…}}`.
    private static func errorMessage(_ body: JSONValue) -> String? {
        guard let message = body["error"]?["message"]?.stringValue, !message.isEmpty else { return nil }
        return message
    }

    /// Runs `decode` over an upstream's JSON, reporting a shape error as the upstream's failure:
    /// the path-named message is kept, but it is not the client's request that is invalid.
    static func decodingUpstream<T>(_ what: String, _ decode: () throws(SluiceError) -> T) throws(SluiceError) -> T {
        do {
            return try decode()
        } catch  where error.category == .invalidRequest {
            throw .upstreamFailed("upstream sent a malformed \(what): \(error.message)")
        }
    }
}
