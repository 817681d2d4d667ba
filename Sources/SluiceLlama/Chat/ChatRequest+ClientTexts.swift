internal import SluiceCore

extension ChatRequest {
    /// The request with every client-written text found in `replacements` replaced: system
    /// blocks, message text, thinking, tool results and documents' notes. Tool-call arguments stay
    /// as they are.
    func replacingClientTexts(_ replacements: [String: String]) -> ChatRequest {
        func replaced(_ text: String) -> String { replacements[text] ?? text }
        func replaced(_ block: ContentBlock) -> ContentBlock {
            switch block {
            case .text(var text):
                text.text = replaced(text.text)
                return .text(text)
            case .thinking(var thinking):
                thinking.text = replaced(thinking.text)
                return .thinking(thinking)
            case .toolResult(var result):
                result.content = result.content.map(replaced)
                return .toolResult(result)
            case .anthropicOnly(let block):
                // The note it becomes carries the client's title.
                return block.textForOtherBackends.flatMap { replacements[$0] }.map { .text(TextContent($0)) } ?? .anthropicOnly(block)
            case .image, .toolUse, .redactedThinking, .responsesOnly:
                return block
            }
        }
        var request = self
        request.system = system.map { block in
            var block = block
            block.text = replaced(block.text)
            return block
        }
        request.messages = messages.map { Message(role: $0.role, content: $0.content.map(replaced)) }
        return request
    }
}
