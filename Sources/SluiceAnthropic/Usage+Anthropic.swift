import SluiceCore

extension Usage {
    /// The four counts Anthropic clients read, always all present: Claude Code fails on a
    /// `message_start` whose usage lacks `input_tokens`.
    var anthropicJSON: JSONValue {
        [
            "input_tokens": .integer(inputTokens),
            "output_tokens": .integer(outputTokens),
            "cache_read_input_tokens": .integer(cacheReadInputTokens),
            "cache_creation_input_tokens": .integer(cacheCreationInputTokens),
        ]
    }

    /// Overwrites the counts an Anthropic `usage` object carries and leaves the others alone,
    /// because `message_delta` may repeat only `output_tokens` of what `message_start` said.
    mutating func merge(anthropic usage: JSONCursor) throws(SluiceError) {
        if let count = try usage.optional("input_tokens")?.int() { inputTokens = count }
        if let count = try usage.optional("output_tokens")?.int() { outputTokens = count }
        if let count = try usage.optional("cache_read_input_tokens")?.int() { cacheReadInputTokens = count }
        if let count = try usage.optional("cache_creation_input_tokens")?.int() { cacheCreationInputTokens = count }
    }
}
