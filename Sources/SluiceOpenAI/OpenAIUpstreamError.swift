public import SluiceCore

/// Turns an OpenAI-compatible upstream's error answer into a ``SluiceError`` for the client.
///
/// The category follows the HTTP status, so routing knows what may be retried elsewhere. The
/// message is the upstream's own `error.message` when it sent one in OpenAI's shape (or vLLM's
/// `{"object":"error","message"}`), as it usually says what to fix; the raw body never reaches the
/// client, and messages that echo the request (pydantic validation dumps with `input`) are
/// replaced, since an error message must not carry prompt text into logs.
///
/// A context overflow becomes ``SluiceError/promptTooLong(tokens:maximum:)``, the wording Claude
/// Code answers by compacting its context: vLLM, SGLang, llama-server and OpenAI each phrase it
/// differently.
public enum OpenAIUpstreamError {
    /// Longest upstream message passed on; tracebacks in 500s can run long.
    static let maximumMessageLength = 500

    /// - Parameters:
    ///   - status: the upstream's HTTP status.
    ///   - body: the upstream's response body, JSON or not.
    ///   - retryAfter: how long the upstream asked to wait, in seconds (see ``RetryAfter``).
    public static func error(status: Int, body: [UInt8], retryAfter: Double?) -> SluiceError {
        let detail = (try? JSONParser.parse(body)).flatMap(errorObject)
        return error(status: status, detail: detail, retryAfter: retryAfter)
    }

    /// The error a stream event `{"error":{…}}` (or vLLM's bare `{"object":"error",…}`) stands for.
    /// vLLM and llama-server put the HTTP status they would have answered in `code`.
    static func streamError(_ detail: JSONObject) -> SluiceError {
        if let status = detail["code"]?.intValue, (400..<600).contains(status) {
            return error(status: status, detail: detail, retryAfter: nil)
        }
        return SluiceError(.upstreamFailed, "upstream stream failed: \(message(detail) ?? "no reason given")", code: code(detail))
    }

    /// The error object of an error body in OpenAI's, vLLM's or a proxy's shape, if it is one.
    static func errorObject(_ body: JSONValue) -> JSONObject? {
        switch body["error"] {
        case .object(let error)?: return error
        case .string(let message)?: return JSONObject([("message", .string(message))])  // some proxies
        default: return body["object"] == "error" ? body.objectValue : nil  // vLLM's ErrorResponse
        }
    }

    private static func error(status: Int, detail: JSONObject?, retryAfter: Double?) -> SluiceError {
        let message = detail.flatMap(message)
        let code = detail.flatMap(code)
        switch status {
        case 400, 422:
            if let detail, let overflow = contextOverflow(detail) {
                return .promptTooLong(tokens: overflow.tokens, maximum: overflow.maximum)
            }
            return SluiceError(.invalidRequest, message ?? "upstream rejected the request (HTTP \(status))", code: code)
        case 401, 403:
            // The upstream's wording could quote the key; the client's own key was fine, Sluice's was not.
            return .upstreamFailed("upstream rejected Sluice's credentials (HTTP \(status))")
        case 404:
            return SluiceError(.notFound, message ?? "upstream has no such model or endpoint (HTTP 404)", code: code)
        case 413:
            return SluiceError(.requestTooLarge, message ?? "upstream says the request is too large (HTTP 413)", code: code)
        case 429:
            return SluiceError(.rateLimited, message ?? "upstream rate limit reached (HTTP 429)", retryAfter: retryAfter, code: code)
        case 503, 529:
            return SluiceError(.overloaded, message ?? "upstream overloaded (HTTP \(status))", retryAfter: retryAfter, code: code)
        default:
            let reason = message.map { ": \($0)" } ?? ""
            return SluiceError(.upstreamFailed, "upstream failed (HTTP \(status))\(reason)", code: code)
        }
    }

    private static func message(_ detail: JSONObject) -> String? {
        guard let message = detail["message"]?.stringValue, !message.isEmpty else { return nil }
        if message.contains("'input':") || message.contains("\"input\":") { return nil }
        guard message.count > maximumMessageLength else { return message }
        return String(message.prefix(maximumMessageLength)) + "…"
    }

    private static func code(_ detail: JSONObject) -> String? {
        detail["code"]?.stringValue
    }

    /// Prompt size and context size from the overflow errors of the servers Sluice fronts.
    static func contextOverflow(_ detail: JSONObject) -> (tokens: Int, maximum: Int)? {
        // llama-server: "exceed_context_size_error" with the counts as fields.
        if let tokens = detail["n_prompt_tokens"]?.intValue, let maximum = detail["n_ctx"]?.intValue {
            return tokens > maximum ? (tokens, maximum) : nil
        }
        // A `max_tokens` too large for the context is not fixed by compacting the prompt.
        guard let message = detail["message"]?.stringValue, !message.contains("max_tokens") else { return nil }
        var tokens: Int?
        var maximum: Int?
        if let limit = number(after: "maximum context length is ", in: message) {
            maximum = limit
            if message.contains(" in the messages") {
                // vLLM: "However, you requested 5000 tokens (4000 in the messages, 1000 in the completion)."
                tokens = number(after: "tokens (", in: message)
            } else {
                // Newer vLLM: "However, your request has 40000 input tokens."; OpenAI: "your messages resulted in 130000 tokens."
                tokens = number(after: "your request has ", in: message) ?? number(after: "resulted in ", in: message)
            }
        } else if let length = number(after: "prompt (length ", in: message) {
            // vLLM V1 engine: "The decoder prompt (length 40000) is longer than the maximum model length of 32768."
            tokens = length
            maximum = number(after: "maximum model length of ", in: message)
        } else if let input = number(after: "The input (", in: message) {
            // SGLang: "The input (40000 tokens) is longer than the model's context length (32768 tokens)."
            tokens = input
            maximum = number(after: "context length (", in: message)
        }
        guard let tokens, let maximum, tokens > maximum else { return nil }
        return (tokens, maximum)
    }

    private static func number(after phrase: String, in text: String) -> Int? {
        guard let range = text.firstRange(of: phrase) else { return nil }
        return Int(String(text[range.upperBound...].prefix(while: \.isWholeNumber)))
    }
}
