public import SluiceCore

/// The body of an Anthropic error response: `{"type":"error","error":{"type":T,"message":M}}`.
///
/// The type is what SDKs key their behaviour on; Sluice's upstream failures are reported as
/// `api_error`, which they retry like any server error.
public enum AnthropicErrorBody {
    public static func encode(_ error: SluiceError) -> JSONValue {
        error.anthropicJSON
    }
}
