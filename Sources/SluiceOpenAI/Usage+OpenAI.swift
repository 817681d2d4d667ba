import SluiceCore

extension Usage {
    /// OpenAI's `usage` object: `prompt_tokens` counts cached tokens too, with the cached part in
    /// `prompt_tokens_details.cached_tokens`.
    var openAIJSON: JSONValue {
        [
            "prompt_tokens": .integer(totalInputTokens),
            "completion_tokens": .integer(outputTokens),
            "total_tokens": .integer(totalInputTokens + outputTokens),
            "prompt_tokens_details": ["cached_tokens": .integer(cacheReadInputTokens)],
        ]
    }

    /// Reads an upstream's `usage`. Canonical input tokens exclude cached ones, as in Anthropic's API,
    /// so the cached count is taken out of `prompt_tokens`. Missing or malformed counts read as 0:
    /// a server with odd usage must not fail an otherwise good answer.
    init(openAI usage: JSONValue) {
        let prompt = max(usage["prompt_tokens"]?.intValue ?? 0, 0)
        let cached = min(max(usage["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? 0, 0), prompt)
        let completion = max(usage["completion_tokens"]?.intValue ?? 0, 0)
        self.init(inputTokens: prompt - cached, outputTokens: completion, cacheReadInputTokens: cached)
    }
}
