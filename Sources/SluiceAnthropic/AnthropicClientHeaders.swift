public import SluiceCore

/// The response headers of an Anthropic upstream that its clients act on, and so that Sluice
/// passes on to Anthropic-protocol clients: `x-should-retry` and every `anthropic-ratelimit-*`
/// (`…-requests-*`, `…-tokens-*`, `…-unified-*`, and whatever Anthropic adds under the prefix).
///
/// `retry-after` is not among them: Sluice sends its own, in whole seconds.
public enum AnthropicClientHeaders {
    public static func select(from fields: some Sequence<HeaderField>) -> [HeaderField] {
        fields.filter { field in
            let name = field.name.lowercased()
            return name == "x-should-retry" || name.hasPrefix("anthropic-ratelimit-")
        }
    }
}
