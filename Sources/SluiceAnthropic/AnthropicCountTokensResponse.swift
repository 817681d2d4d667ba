public import SluiceCore

/// The body of `POST /v1/messages/count_tokens`: `{"input_tokens":N}`.
public enum AnthropicCountTokensResponse {
    public static func encode(inputTokens: Int) -> JSONValue {
        ["input_tokens": .integer(inputTokens)]
    }
}
