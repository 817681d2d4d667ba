import SluiceCore

extension ContentBlock {
    /// Whether an Anthropic model can answer with this block: images and tool results only ever
    /// come from clients, Responses-only blocks from OpenAI; of the Anthropic-only blocks,
    /// Anthropic's server tools answer.
    var isAnswerBlock: Bool {
        switch self {
        case .text, .thinking, .redactedThinking, .toolUse, .anthropicOnly: true
        case .image, .toolResult, .responsesOnly: false
        }
    }
}
