public import SluiceCore

/// Encodes a canonical ``ChatResponse`` as an OpenAI `chat.completion` object.
public enum OpenAIResponseEncoder {
    /// - Parameters:
    ///   - response: the answer, whichever backend produced it.
    ///   - created: Unix seconds of the request, OpenAI's `created`.
    public static func encode(_ response: ChatResponse, created: Int) -> JSONValue {
        var message = JSONObject([("role", "assistant")])
        var texts: [String] = []
        var thinking: [String] = []
        var toolCalls: [JSONValue] = []
        for block in response.content {
            switch block {
            case .text(let text): texts.append(text.text)
            case .thinking(let block): thinking.append(block.text)
            case .toolUse(let call): toolCalls.append(toolCall(call))
            // Nothing a Chat Completions client could read.
            case .redactedThinking, .image, .toolResult, .anthropicOnly, .responsesOnly: continue
            }
        }
        // OpenAI sends `null` content only beside tool calls; clients that call string methods on
        // `content` crash on `null` otherwise.
        message["content"] = texts.isEmpty && !toolCalls.isEmpty ? .null : .string(texts.joined())
        if !thinking.isEmpty { message["reasoning_content"] = .string(thinking.joined(separator: "\n")) }
        if !toolCalls.isEmpty { message["tool_calls"] = .array(toolCalls) }

        return [
            "id": .string(completionID(response.id)),
            "object": "chat.completion",
            "created": .integer(created),
            "model": .string(response.model),
            "choices": [
                ["index": 0, "message": .object(message), "finish_reason": .string(FinishReason.encode(response.stopReason))]
            ],
            "usage": response.usage.openAIJSON,
        ]
    }

    /// The `chatcmpl-…` id for a canonical message id: kept when it already is one, otherwise
    /// derived from it (`msg_abc` → `chatcmpl-abc`), so logs of either protocol show the same id.
    static func completionID(_ id: String) -> String {
        if id.hasPrefix("chatcmpl-") { return id }
        if id.hasPrefix("msg_") { return "chatcmpl-" + id.dropFirst(4) }
        return "chatcmpl-" + id
    }

    static func toolCall(_ call: ToolUse) -> JSONValue {
        [
            "id": .string(call.id),
            "type": "function",
            "function": ["name": .string(call.name), "arguments": .string(call.input.serializedString())],
        ]
    }
}
