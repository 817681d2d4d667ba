public import SluiceCore

/// A ``SluiceError`` in OpenAI's error shape, for plain responses and for a failing stream.
///
/// OpenAI SDKs pick the exception class from the HTTP status and read `error.message`,
/// `error.type` and `error.code`; retry logic keys on `code` (`rate_limit_exceeded`), so the
/// categories map onto the codes OpenAI itself uses.
public enum OpenAIErrorBody {
    /// `{"error":{"message","type","param","code"}}`, `param` naming the field at fault or `null`
    ///
    /// An explicit `error.code` wins over the category's default code, so a policy can say
    /// more precisely why it refused (`budget_exceeded` rather than `model_not_allowed`).
    public static func encode(_ error: SluiceError) -> JSONValue {
        let code = error.code ?? defaultCode(error.category)
        return [
            "error": [
                "message": .string(error.message),
                // OpenAI's own spend-limit refusal says so in its type too, which clients and dashboards read.
                "type": .string(code == "insufficient_quota" ? "insufficient_quota" : type(error.category)),
                "param": error.param.map(JSONValue.string) ?? .null,
                "code": code.map(JSONValue.string) ?? .null,
            ]
        ]
    }

    static func type(_ category: SluiceError.Category) -> String {
        switch category {
        case .requestTooLarge, .requestTimeout, .unsupportedMediaType: "invalid_request_error"
        case .upstreamFailed, .upstreamTimedOut: "api_error"
        default: category.rawValue
        }
    }

    static func defaultCode(_ category: SluiceError.Category) -> String? {
        switch category {
        case .authentication: "invalid_api_key"
        case .permission: "model_not_allowed"
        case .rateLimited: "rate_limit_exceeded"
        case .requestTooLarge: "request_too_large"
        case .requestTimeout: "request_timeout"
        case .unsupportedMediaType: "unsupported_media_type"
        default: nil
        }
    }
}
