public import SluiceCore

/// Encodes a complete ``ChatResponse`` as the body of an Anthropic Messages response.
public enum AnthropicResponseEncoder {
    public static func encode(_ response: ChatResponse) -> JSONValue {
        var body = JSONObject()
        body["id"] = .string(response.id)
        body["type"] = "message"
        body["role"] = "assistant"
        body["model"] = .string(response.model)
        body["content"] = .array(response.content.compactMap(block))
        body["stop_reason"] = response.stopReason.map { .string($0.rawValue) } ?? .null
        body["stop_sequence"] = response.stopSequence.map(JSONValue.string) ?? .null
        body["usage"] = response.usage.anthropicJSON
        return .object(body)
    }

    /// A block of the model's answer; images and tool results are never part of one, and a
    /// Responses upstream's built-in tool calls have no Anthropic form.
    static func block(_ block: ContentBlock) -> JSONValue? {
        switch block {
        case .text(let text) where text.citations(in: .anthropic).isEmpty: ["type": "text", "text": .string(text.text)]
        case .text(let text): ["type": "text", "text": .string(text.text), "citations": .array(text.citations(in: .anthropic))]
        // Clients read `signature` as a string; answers from backends that do not sign have none.
        case .thinking(let thinking):
            ["type": "thinking", "thinking": .string(thinking.text), "signature": .string(thinking.signature ?? "")]
        case .redactedThinking(let data): ["type": "redacted_thinking", "data": .string(data)]
        case .toolUse(let call): ["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": call.input]
        case .anthropicOnly(let block): .object(block.anthropicBlock)
        case .image, .toolResult, .responsesOnly: nil
        }
    }
}
