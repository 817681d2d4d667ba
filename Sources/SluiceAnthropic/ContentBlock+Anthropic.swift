import SluiceCore

extension ContentBlock {
    /// Whether a model can answer with this block: images, tool results and documents only ever come from clients.
    var isAnswerBlock: Bool {
        switch self {
        case .text, .thinking, .redactedThinking, .toolUse: true
        case .image, .toolResult, .anthropicOnly: false
        }
    }
}
