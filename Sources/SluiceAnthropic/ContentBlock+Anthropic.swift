import SluiceCore

extension ContentBlock {
    /// Whether a model can answer with this block: images and tool results only ever come from
    /// clients; of the Anthropic-only blocks, Anthropic's server tools answer.
    var isAnswerBlock: Bool {
        switch self {
        case .text, .thinking, .redactedThinking, .toolUse, .anthropicOnly: true
        case .image, .toolResult: false
        }
    }
}
