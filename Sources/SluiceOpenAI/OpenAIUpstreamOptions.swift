/// What an OpenAI-compatible upstream accepts beyond the common subset, set per backend in the
/// configuration: servers differ, and the safe choice for one breaks another.
public struct OpenAIUpstreamOptions: Sendable, Hashable {
    /// Where system messages from the middle of a conversation go.
    public enum SystemMessagePlacement: String, Sendable, Hashable {
        /// A `system` message at the same position: best for the prefix cache, accepted by vLLM,
        /// SGLang and OpenAI.
        case inline
        /// Merged into the neighbouring user turn, for chat templates that raise "System message
        /// must be at the beginning" (many Jinja templates served by llama-server).
        case fold
    }

    /// How the canonical thinking settings reach the upstream.
    public enum ReasoningControl: String, Sendable, Hashable {
        /// Not at all: the server decides.
        case none
        /// `reasoning_effort` (OpenAI reasoning models, gpt-oss on vLLM).
        case reasoningEffort = "reasoning_effort"
        /// `chat_template_kwargs.enable_thinking` (Qwen3 and similar on vLLM, SGLang, llama-server).
        case chatTemplateKwargs = "chat_template_kwargs"
    }

    public var systemMessages: SystemMessagePlacement
    /// Keep Claude Code's per-request billing line in the system prompt. Off by default: it changes
    /// on every request and so would defeat the upstream's prefix cache from the first token.
    public var keepBillingHeader: Bool
    /// Send `top_k`, `min_p` and `repetition_penalty` (vLLM, SGLang and llama-server take them;
    /// OpenAI rejects them).
    public var extendedSampling: Bool
    public var reasoning: ReasoningControl

    public init(
        systemMessages: SystemMessagePlacement = .inline,
        keepBillingHeader: Bool = false,
        extendedSampling: Bool = false,
        reasoning: ReasoningControl = .none
    ) {
        self.systemMessages = systemMessages
        self.keepBillingHeader = keepBillingHeader
        self.extendedSampling = extendedSampling
        self.reasoning = reasoning
    }
}
