import SluiceCore

/// Writes canonical blocks as Anthropic content blocks, keeping everything an Anthropic upstream
/// reads back: cache hints, thinking signatures, redacted thinking. A Responses upstream's
/// built-in tool calls have no Anthropic form: `nil`.
enum AnthropicContentEncoder {
    static func block(_ block: ContentBlock) -> JSONValue? {
        var object = JSONObject()
        var cacheControl: JSONValue?
        switch block {
        case .text(let text):
            object["type"] = "text"
            object["text"] = .string(text.text)
            let citations = text.citations(in: .anthropic)
            if !citations.isEmpty { object["citations"] = .array(citations) }
            cacheControl = text.cacheControl
        case .image(let image):
            object["type"] = "image"
            object["source"] = imageSource(image.source)
            cacheControl = image.cacheControl
        case .toolUse(let call):
            object["type"] = "tool_use"
            object["id"] = .string(call.id)
            object["name"] = .string(call.name)
            object["input"] = call.input
            cacheControl = call.cacheControl
        case .toolResult(let result):
            object["type"] = "tool_result"
            object["tool_use_id"] = .string(result.toolUseID)
            if !result.content.isEmpty { object["content"] = .array(result.content.compactMap(self.block)) }
            if result.isError { object["is_error"] = true }
            cacheControl = result.cacheControl
        case .thinking(let thinking):
            object["type"] = "thinking"
            object["thinking"] = .string(thinking.text)
            object["signature"] = .string(thinking.signature ?? "")
        case .redactedThinking(let data):
            object["type"] = "redacted_thinking"
            object["data"] = .string(data)
        case .anthropicOnly(let block):
            return .object(block.anthropicBlock)
        case .responsesOnly:
            return nil
        }
        if let cacheControl { object["cache_control"] = cacheControl }
        return .object(object)
    }

    private static func imageSource(_ source: ImageContent.Source) -> JSONValue {
        switch source {
        case .base64(let mediaType, let data): ["type": "base64", "media_type": .string(mediaType), "data": .string(data)]
        case .url(let url): ["type": "url", "url": .string(url)]
        }
    }
}
