/// A complete model answer in canonical form.
public struct ChatResponse: Sendable, Hashable {
    public var id: String
    public var model: String
    /// Blocks in the order thinking, text, tool use, as the model produced them.
    public var content: [ContentBlock]
    public var stopReason: StopReason?
    /// The stop sequence that ended generation, when `stopReason` is `.stopSequence`.
    public var stopSequence: String?
    public var usage: Usage

    public init(
        id: String, model: String, content: [ContentBlock], stopReason: StopReason?, stopSequence: String? = nil,
        usage: Usage
    ) {
        self.id = id
        self.model = model
        self.content = content
        self.stopReason = stopReason
        self.stopSequence = stopSequence
        self.usage = usage
    }
}

/// Why generation ended.
public enum StopReason: String, Sendable, Hashable {
    case endTurn = "end_turn"
    case maxTokens = "max_tokens"
    case stopSequence = "stop_sequence"
    case toolUse = "tool_use"
    case pauseTurn = "pause_turn"
    /// A content policy stopped the answer.
    case refusal
}

/// Token counts. `inputTokens` excludes cached tokens, as in Anthropic's API: the total input
/// is `inputTokens + cacheReadInputTokens + cacheCreationInputTokens`.
public struct Usage: Sendable, Hashable {
    public var inputTokens: Int
    public var outputTokens: Int
    public var cacheReadInputTokens: Int
    public var cacheCreationInputTokens: Int

    public init(inputTokens: Int = 0, outputTokens: Int = 0, cacheReadInputTokens: Int = 0, cacheCreationInputTokens: Int = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheReadInputTokens = cacheReadInputTokens
        self.cacheCreationInputTokens = cacheCreationInputTokens
    }

    public var totalInputTokens: Int { inputTokens + cacheReadInputTokens + cacheCreationInputTokens }
}
