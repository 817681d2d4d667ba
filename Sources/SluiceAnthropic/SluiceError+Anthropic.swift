import SluiceCore

extension SluiceError.Category {
    /// The `error.type` Anthropic clients know. Sluice's own upstream categories have no Anthropic
    /// name, and SDKs treat `api_error` (HTTP 5xx) as retriable, which is what they are.
    var anthropicType: String {
        switch self {
        case .upstreamFailed, .upstreamTimedOut: "api_error"
        case .requestTooLarge: "request_too_large"
        case .requestTimeout: "invalid_request_error"
        // Anthropic has no type of its own for 415; the status says what is wrong.
        case .unsupportedMediaType: "invalid_request_error"
        // Anthropic's SDKs retry overloaded_error, which is what a client should do here.
        case .overloaded, .unavailable: "overloaded_error"
        default: rawValue
        }
    }
}

extension SluiceError {
    /// `{"type":"error","error":{"type":T,"message":M}}`, the body of an error response and the
    /// data of a mid-stream `error` event.
    var anthropicJSON: JSONValue {
        ["type": "error", "error": ["type": .string(category.anthropicType), "message": .string(message)]]
    }
}
